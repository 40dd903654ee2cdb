# The storage account of JobBot's files and backups: geo-redundant (a copy in France South, the seeds'
# GEO-RED), HTTPS only with TLS 1.2, no public container, reachable from the backend subnet (and its private
# endpoint) and the admins' addresses only.
#   files     the uploaded CVs, shared by every API machine (JOBBOT_FILES_URL=azure://files/jobbot)
#   backups   the `backup` service's copies (JOBBOT_BACKUP_TARGETS), encrypted to an age key, deleted after
#             offsite_days (60); the machine keeps its own for retention_days (30)
# JobBot's Azure client signs with the account key (AZURE_STORAGE_ACCOUNT_KEY_FILE): the key is in Key Vault.

variable "name" { type = string }
variable "resource_group_name" { type = string }
variable "location" { type = string }
variable "retention_days" { type = number }
variable "offsite_days" { type = number }
variable "subnet_ids" { type = list(string) }
variable "private_subnet_id" { type = string }
variable "vnet_id" { type = string }
variable "admin_cidrs" { type = list(string) }
variable "writer_principal" { type = string }
variable "key_vault_id" { type = string }
variable "workspace_id" { type = string }
variable "tags" { type = map(string) }

resource "azurerm_storage_account" "main" {
  #checkov:skip=CKV2_AZURE_40:JobBot's object-store client signs requests with the account key (AZURE_STORAGE_ACCOUNT_KEY_FILE, from Key Vault); Entra ID tokens are not implemented in it yet.
  #checkov:skip=CKV2_AZURE_1:Microsoft-managed keys encrypt at rest (and infrastructure encryption twice); the off-site backups are also encrypted by JobBot to an age key the operators hold.
  #checkov:skip=CKV_AZURE_33:No queue is used: the queue service holds nothing to log.
  #checkov:skip=CKV2_AZURE_41:No SAS token is issued for this account, so there is no SAS expiration to enforce.
  #checkov:skip=CKV_AZURE_59:Public network access stays on so that the admins' addresses (ip_rules) can restore a backup; the default action is Deny.
  name                              = var.name
  resource_group_name               = var.resource_group_name
  location                          = var.location
  account_tier                      = "Standard"
  account_replication_type          = "GRS"
  account_kind                      = "StorageV2"
  https_traffic_only_enabled        = true
  min_tls_version                   = "TLS1_2"
  allow_nested_items_to_be_public   = false
  infrastructure_encryption_enabled = true
  public_network_access_enabled     = true
  shared_access_key_enabled         = true
  network_rules {
    default_action             = "Deny"
    bypass                     = ["AzureServices", "Logging", "Metrics"]
    ip_rules                   = [for c in var.admin_cidrs : trimsuffix(c, "/32")]
    virtual_network_subnet_ids = var.subnet_ids
  }
  blob_properties {
    versioning_enabled = true
    delete_retention_policy {
      days = 14
    }
    container_delete_retention_policy {
      days = 14
    }
  }
  sas_policy {
    expiration_period = "01.00:00:00"
  }
  tags = var.tags
}

resource "azurerm_storage_container" "files" {
  #checkov:skip=CKV2_AZURE_21:Read requests are logged by the blob service's diagnostic setting (StorageRead, below) into Log Analytics; storage insights would read the classic logs, which this account does not write.
  name                  = "files"
  storage_account_id    = azurerm_storage_account.main.id
  container_access_type = "private"
}

resource "azurerm_storage_container" "backups" {
  #checkov:skip=CKV2_AZURE_21:Read requests are logged by the blob service's diagnostic setting (StorageRead, below) into Log Analytics; storage insights would read the classic logs, which this account does not write.
  name                  = "backups"
  storage_account_id    = azurerm_storage_account.main.id
  container_access_type = "private"
}

# The copies older than offsite_days go (JobBot's own prune does it too; this holds if the service stops).
resource "azurerm_storage_management_policy" "backups" {
  storage_account_id = azurerm_storage_account.main.id
  rule {
    name    = "backups-retention"
    enabled = true
    filters {
      blob_types   = ["blockBlob"]
      prefix_match = ["backups/"]
    }
    actions {
      base_blob {
        tier_to_cool_after_days_since_modification_greater_than = var.retention_days
        delete_after_days_since_modification_greater_than       = var.offsite_days
      }
      version {
        delete_after_days_since_creation = var.offsite_days
      }
    }
  }
}

resource "azurerm_role_assignment" "writer" {
  scope                = azurerm_storage_account.main.id
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = var.writer_principal
}

resource "azurerm_key_vault_secret" "account_key" {
  name            = "storage-account-key"
  value           = azurerm_storage_account.main.primary_access_key
  key_vault_id    = var.key_vault_id
  content_type    = "text/plain"
  expiration_date = timeadd(plantimestamp(), "8760h")
  lifecycle {
    ignore_changes = [expiration_date]
  }
}

resource "azurerm_private_dns_zone" "blob" {
  name                = "privatelink.blob.core.windows.net"
  resource_group_name = var.resource_group_name
  tags                = var.tags
}

resource "azurerm_private_dns_zone_virtual_network_link" "blob" {
  name                  = "blob"
  resource_group_name   = var.resource_group_name
  private_dns_zone_name = azurerm_private_dns_zone.blob.name
  virtual_network_id    = var.vnet_id
  tags                  = var.tags
}

resource "azurerm_private_endpoint" "blob" {
  name                = "${var.name}-blob-pe"
  resource_group_name = var.resource_group_name
  location            = var.location
  subnet_id           = var.private_subnet_id
  private_service_connection {
    name                           = "blob"
    private_connection_resource_id = azurerm_storage_account.main.id
    subresource_names              = ["blob"]
    is_manual_connection           = false
  }
  private_dns_zone_group {
    name                 = "blob"
    private_dns_zone_ids = [azurerm_private_dns_zone.blob.id]
  }
  tags = var.tags
}

# The account's metrics, and the blob service's reads, writes and deletes.
resource "azurerm_monitor_diagnostic_setting" "account" {
  name                       = "to-log-analytics"
  target_resource_id         = azurerm_storage_account.main.id
  log_analytics_workspace_id = var.workspace_id
  metric {
    category = "Transaction"
  }
}

resource "azurerm_monitor_diagnostic_setting" "blob" {
  name                       = "to-log-analytics"
  target_resource_id         = "${azurerm_storage_account.main.id}/blobServices/default"
  log_analytics_workspace_id = var.workspace_id
  enabled_log {
    category = "StorageRead"
  }
  enabled_log {
    category = "StorageWrite"
  }
  enabled_log {
    category = "StorageDelete"
  }
  metric {
    category = "Transaction"
  }
}

output "account_name" { value = azurerm_storage_account.main.name }
output "offsite_container" { value = azurerm_storage_container.backups.name }
output "files_container" { value = azurerm_storage_container.files.name }
