# PostgreSQL 15 Flexible Server (the version of the compose file's and of the API image's pg_dump), private
# access only: in the delegated database subnet, resolved through a private DNS zone, no public address.
# Azure's own backups: daily, kept 30 days, geo-redundant (the seeds' primary backups); JobBot's `backup`
# service adds its own copies in the storage account. The password is generated into Key Vault.

variable "name" { type = string }
variable "resource_group_name" { type = string }
variable "location" { type = string }
variable "subnet_id" { type = string }
variable "vnet_id" { type = string }
variable "sku_name" { type = string }
variable "storage_mb" { type = number }
variable "backup_retention_days" { type = number }
variable "key_vault_id" { type = string }
variable "workspace_id" { type = string }
variable "tags" { type = map(string) }

resource "random_password" "db" {
  length  = 40
  special = false
}

resource "azurerm_private_dns_zone" "postgres" {
  name                = "${var.name}.private.postgres.database.azure.com"
  resource_group_name = var.resource_group_name
  tags                = var.tags
}

resource "azurerm_private_dns_zone_virtual_network_link" "postgres" {
  name                  = "postgres"
  resource_group_name   = var.resource_group_name
  private_dns_zone_name = azurerm_private_dns_zone.postgres.name
  virtual_network_id    = var.vnet_id
  tags                  = var.tags
}

resource "azurerm_postgresql_flexible_server" "main" {
  #checkov:skip=CKV2_AZURE_57:Private access by VNet integration (the delegated database subnet and a private DNS zone); Azure offers private endpoints only to servers with public access, which this one does not have.
  #checkov:skip=CKV_AZURE_136:Geo-redundant backups are on (geo_redundant_backup_enabled); this check reads an attribute name of an older provider. Kept in scripts/check-terraform.py.
  name                          = var.name
  resource_group_name           = var.resource_group_name
  location                      = var.location
  version                       = "15"
  sku_name                      = var.sku_name
  storage_mb                    = var.storage_mb
  zone                          = "1"
  delegated_subnet_id           = var.subnet_id
  private_dns_zone_id           = azurerm_private_dns_zone.postgres.id
  public_network_access_enabled = false
  administrator_login           = "jobbot"
  administrator_password        = random_password.db.result
  backup_retention_days         = var.backup_retention_days
  geo_redundant_backup_enabled  = true
  tags                          = var.tags
  depends_on                    = [azurerm_private_dns_zone_virtual_network_link.postgres]
  lifecycle {
    ignore_changes = [zone]
  }
}

resource "azurerm_postgresql_flexible_server_database" "jobbot" {
  name      = "jobbot"
  server_id = azurerm_postgresql_flexible_server.main.id
  charset   = "UTF8"
  collation = "fr_FR.utf8"
}

# TLS required, and the connections and checkpoints logged (Azure's recommendations).
resource "azurerm_postgresql_flexible_server_configuration" "settings" {
  for_each = {
    require_secure_transport = "on"
    log_checkpoints          = "on"
    log_connections          = "on"
    log_disconnections       = "on"
    connection_throttling    = "on"
  }
  name      = each.key
  server_id = azurerm_postgresql_flexible_server.main.id
  value     = each.value
}

resource "azurerm_key_vault_secret" "password" {
  name            = "db-password"
  value           = random_password.db.result
  key_vault_id    = var.key_vault_id
  content_type    = "text/plain"
  expiration_date = timeadd(plantimestamp(), "8760h")
  lifecycle {
    ignore_changes = [expiration_date]
  }
}

resource "azurerm_monitor_diagnostic_setting" "postgres" {
  name                       = "to-log-analytics"
  target_resource_id         = azurerm_postgresql_flexible_server.main.id
  log_analytics_workspace_id = var.workspace_id
  enabled_log {
    category_group = "allLogs"
  }
  metric {
    category = "AllMetrics"
  }
}

output "fqdn" { value = azurerm_postgresql_flexible_server.main.fqdn }
output "admin_login" { value = azurerm_postgresql_flexible_server.main.administrator_login }
