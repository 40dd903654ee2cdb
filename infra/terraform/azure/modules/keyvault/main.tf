# Every secret JobBot reads (the *_FILE variables of docker-compose.yml), in Key Vault. The machines read them
# through their managed identity with "Get" on secrets and nothing else (no list, no keys, no certificates);
# the deployer (whoever runs terraform) writes them. Reachable from the app's subnets and the admins' addresses
# only, and through a private endpoint in the backend subnet.

variable "name" { type = string }
variable "resource_group_name" { type = string }
variable "location" { type = string }
variable "tenant_id" { type = string }
variable "deployer_object_id" { type = string }
variable "reader_object_id" { type = string }
variable "admin_cidrs" { type = list(string) }
variable "subnet_ids" { type = list(string) }
variable "private_subnet_id" { type = string }
variable "vnet_id" { type = string }
variable "workspace_id" { type = string }
variable "tags" { type = map(string) }

resource "azurerm_key_vault" "main" {
  name                          = var.name
  resource_group_name           = var.resource_group_name
  location                      = var.location
  tenant_id                     = var.tenant_id
  sku_name                      = "standard"
  enable_rbac_authorization     = false
  purge_protection_enabled      = true
  soft_delete_retention_days    = 90
  public_network_access_enabled = true
  network_acls {
    bypass                     = "AzureServices"
    default_action             = "Deny"
    ip_rules                   = var.admin_cidrs
    virtual_network_subnet_ids = var.subnet_ids
  }
  tags = var.tags
}

# The app: get a secret by its name, nothing more.
resource "azurerm_key_vault_access_policy" "app" {
  key_vault_id       = azurerm_key_vault.main.id
  tenant_id          = var.tenant_id
  object_id          = var.reader_object_id
  secret_permissions = ["Get"]
}

# Terraform itself: writes the generated secrets (the database password, the JWT key) and the empty AI keys.
resource "azurerm_key_vault_access_policy" "deployer" {
  key_vault_id       = azurerm_key_vault.main.id
  tenant_id          = var.tenant_id
  object_id          = var.deployer_object_id
  secret_permissions = ["Get", "List", "Set", "Delete", "Recover"]
}

resource "random_password" "jwt" {
  length  = 64
  special = false
}

locals {
  # One year: Azure Monitor reminds before they expire (README.md: rotation).
  expires = timeadd(plantimestamp(), "8760h")
  # Written after the apply by an admin (az keyvault secret set); empty means "no key": the offline coach.
  later = ["mistral-api-key", "openrouter-api-key", "france-travail-client-secret"]
}

resource "azurerm_key_vault_secret" "jwt" {
  name            = "jwt-secret"
  value           = random_password.jwt.result
  key_vault_id    = azurerm_key_vault.main.id
  content_type    = "text/plain"
  expiration_date = local.expires
  depends_on      = [azurerm_key_vault_access_policy.deployer]
  lifecycle {
    ignore_changes = [expiration_date]
  }
}

resource "azurerm_key_vault_secret" "later" {
  for_each        = toset(local.later)
  name            = each.value
  value           = ""
  key_vault_id    = azurerm_key_vault.main.id
  content_type    = "text/plain"
  expiration_date = local.expires
  depends_on      = [azurerm_key_vault_access_policy.deployer]
  lifecycle {
    # Set by hand afterwards: Terraform does not put them back to empty.
    ignore_changes = [value, expiration_date]
  }
}

resource "azurerm_private_dns_zone" "vault" {
  name                = "privatelink.vaultcore.azure.net"
  resource_group_name = var.resource_group_name
  tags                = var.tags
}

resource "azurerm_private_dns_zone_virtual_network_link" "vault" {
  name                  = "vault"
  resource_group_name   = var.resource_group_name
  private_dns_zone_name = azurerm_private_dns_zone.vault.name
  virtual_network_id    = var.vnet_id
  tags                  = var.tags
}

resource "azurerm_private_endpoint" "vault" {
  name                = "${var.name}-pe"
  resource_group_name = var.resource_group_name
  location            = var.location
  subnet_id           = var.private_subnet_id
  private_service_connection {
    name                           = "vault"
    private_connection_resource_id = azurerm_key_vault.main.id
    subresource_names              = ["vault"]
    is_manual_connection           = false
  }
  private_dns_zone_group {
    name                 = "vault"
    private_dns_zone_ids = [azurerm_private_dns_zone.vault.id]
  }
  tags = var.tags
}

resource "azurerm_monitor_diagnostic_setting" "vault" {
  name                       = "to-log-analytics"
  target_resource_id         = azurerm_key_vault.main.id
  log_analytics_workspace_id = var.workspace_id
  enabled_log {
    category_group = "allLogs"
  }
  enabled_log {
    category_group = "audit"
  }
  metric {
    category = "AllMetrics"
  }
}

output "id" { value = azurerm_key_vault.main.id }
output "name" { value = azurerm_key_vault.main.name }
output "uri" { value = azurerm_key_vault.main.vault_uri }
