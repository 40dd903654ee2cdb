# The private registry GitLab CI pushes the api and web images to; the machines pull with their managed
# identity (AcrPull), never with the registry's admin account (disabled).

variable "name" { type = string }
variable "resource_group_name" { type = string }
variable "location" { type = string }
variable "pull_principal" { type = string }
variable "workspace_id" { type = string }
variable "tags" { type = map(string) }

resource "azurerm_container_registry" "main" {
  #checkov:skip=CKV_AZURE_139:GitLab CI's shared runners push from addresses that change; the registry takes no anonymous pull and no admin account, only Entra ID identities.
  #checkov:skip=CKV_AZURE_165:Geo-replication (Premium) doubles the registry's cost for two images that CI can push again; one region serves the machines.
  #checkov:skip=CKV_AZURE_166:Quarantine needs a scanner to release each image; images are scanned in GitLab CI before the push.
  #checkov:skip=CKV_AZURE_164:Content trust (Docker Notary) is deprecated by Azure in favour of Notation, which GitLab CI does not sign with yet.
  #checkov:skip=CKV_AZURE_233:Zone redundancy is Premium-only; an outage of the zone stops the machines too.
  #checkov:skip=CKV_AZURE_237:Dedicated data endpoints are Premium-only and serve firewall rules, which CKV_AZURE_139's reason rules out.
  name                          = var.name
  resource_group_name           = var.resource_group_name
  location                      = var.location
  sku                           = "Standard"
  admin_enabled                 = false
  anonymous_pull_enabled        = false
  public_network_access_enabled = true
  retention_policy_in_days      = 7
  tags                          = var.tags
}

resource "azurerm_role_assignment" "pull" {
  scope                = azurerm_container_registry.main.id
  role_definition_name = "AcrPull"
  principal_id         = var.pull_principal
}

resource "azurerm_monitor_diagnostic_setting" "registry" {
  name                       = "to-log-analytics"
  target_resource_id         = azurerm_container_registry.main.id
  log_analytics_workspace_id = var.workspace_id
  enabled_log {
    category_group = "allLogs"
  }
  metric {
    category = "AllMetrics"
  }
}

output "login_server" { value = azurerm_container_registry.main.login_server }
output "id" { value = azurerm_container_registry.main.id }
