# JobBot on Azure (the seeds' deployment plan): a VNet with frontend, backend and database subnets, nginx on a
# machine of the frontend subnet, the API on machines of the backend subnet (the images of Dockerfile.web and
# Dockerfile.api, from a private registry), PostgreSQL Flexible Server with private access only, Key Vault for
# every secret (read by the machines' managed identity, get-only), a storage account for the backups, Log
# Analytics and Azure Monitor for the logs, the metrics and the alerts of ops/prometheus/alerts.yml.
# README.md: how to apply it, what it costs a month. make test parses it (scripts/check-terraform.py) and runs
# checkov on it.

locals {
  prefix = "${var.name}-${var.environment}"
  # Names without dashes (registry, storage, vault): letters and digits only, 24 at most.
  compact = "${var.name}${var.environment}"
  tags    = merge({ application = "jobbot", environment = var.environment, managed_by = "terraform" }, var.tags)
}

data "azurerm_client_config" "current" {}

resource "azurerm_resource_group" "main" {
  name     = "${local.prefix}-rg"
  location = var.location
  tags     = local.tags
}

# The machines' identity: pulls the images (AcrPull), reads the secrets (Key Vault get), writes the backups
# (the storage account) and the metrics (Azure Monitor). No secret of its own.
resource "azurerm_user_assigned_identity" "app" {
  name                = "${local.prefix}-app"
  resource_group_name = azurerm_resource_group.main.name
  location            = var.location
  tags                = local.tags
}

module "monitoring" {
  source              = "./modules/monitoring"
  prefix              = local.prefix
  resource_group_name = azurerm_resource_group.main.name
  location            = var.location
  retention_days      = var.log_retention_days
  alert_email         = var.alert_email
  alert_rules_file    = "${path.root}/../../../ops/prometheus/alerts.yml"
  publisher_principal = azurerm_user_assigned_identity.app.principal_id
  tags                = local.tags
}

module "network" {
  source              = "./modules/network"
  prefix              = local.prefix
  resource_group_name = azurerm_resource_group.main.name
  location            = var.location
  address_space       = var.address_space
  admin_cidrs         = var.admin_cidrs
  app_port            = var.app_port
  admin_port          = var.admin_port
  workspace_id        = module.monitoring.workspace_id
  tags                = local.tags
}

module "registry" {
  source              = "./modules/registry"
  name                = "${local.compact}acr"
  resource_group_name = azurerm_resource_group.main.name
  location            = var.location
  pull_principal      = azurerm_user_assigned_identity.app.principal_id
  workspace_id        = module.monitoring.workspace_id
  tags                = local.tags
}

module "keyvault" {
  source              = "./modules/keyvault"
  name                = "${local.compact}-kv"
  resource_group_name = azurerm_resource_group.main.name
  location            = var.location
  tenant_id           = data.azurerm_client_config.current.tenant_id
  deployer_object_id  = data.azurerm_client_config.current.object_id
  reader_object_id    = azurerm_user_assigned_identity.app.principal_id
  admin_cidrs         = var.admin_cidrs
  subnet_ids          = [module.network.subnet_ids["frontend"], module.network.subnet_ids["backend"]]
  private_subnet_id   = module.network.subnet_ids["backend"]
  vnet_id             = module.network.vnet_id
  workspace_id        = module.monitoring.workspace_id
  tags                = local.tags
}

module "database" {
  source                = "./modules/database"
  name                  = "${local.prefix}-pg"
  resource_group_name   = azurerm_resource_group.main.name
  location              = var.location
  subnet_id             = module.network.subnet_ids["database"]
  vnet_id               = module.network.vnet_id
  sku_name              = var.db_sku
  storage_mb            = var.db_storage_mb
  backup_retention_days = var.backup_retention_days
  key_vault_id          = module.keyvault.id
  workspace_id          = module.monitoring.workspace_id
  tags                  = local.tags
}

module "storage" {
  source              = "./modules/storage"
  name                = "${local.compact}bak"
  resource_group_name = azurerm_resource_group.main.name
  location            = var.location
  retention_days      = var.backup_retention_days
  offsite_days        = var.offsite_retention_days
  subnet_ids          = [module.network.subnet_ids["backend"]]
  private_subnet_id   = module.network.subnet_ids["backend"]
  vnet_id             = module.network.vnet_id
  admin_cidrs         = var.admin_cidrs
  writer_principal    = azurerm_user_assigned_identity.app.principal_id
  key_vault_id        = module.keyvault.id
  workspace_id        = module.monitoring.workspace_id
  tags                = local.tags
}

module "compute" {
  source              = "./modules/compute"
  prefix              = local.prefix
  resource_group_name = azurerm_resource_group.main.name
  location            = var.location
  identity_id         = azurerm_user_assigned_identity.app.id
  identity_client_id  = azurerm_user_assigned_identity.app.client_id
  frontend_subnet_id  = module.network.subnet_ids["frontend"]
  backend_subnet_id   = module.network.subnet_ids["backend"]
  web_vm_size         = var.web_vm_size
  api_vm_size         = var.api_vm_size
  api_instances       = var.api_instances
  admin_ssh_key       = var.admin_ssh_public_key
  app_port            = var.app_port
  admin_port          = var.admin_port
  admin_cidrs         = var.admin_cidrs
  frontend_prefix     = module.network.subnet_prefixes["frontend"]
  registry            = module.registry.login_server
  image_tag           = var.image_tag
  key_vault_name      = module.keyvault.name
  database_host       = module.database.fqdn
  database_user       = module.database.admin_login
  public_hostname     = var.public_hostname
  llm_provider        = var.llm_provider
  storage_account     = module.storage.account_name
  backup_targets      = join(",", compact(["azure://${module.storage.offsite_container}/jobbot", var.backup_offsite_targets]))
  backup_age          = var.backup_age_recipient
  backup_days         = var.backup_retention_days
  offsite_days        = var.offsite_retention_days
  metrics_write_url   = module.monitoring.prometheus_write_url
  workspace_id        = module.monitoring.workspace_id
  dcr_id              = module.monitoring.data_collection_rule_id
  tags                = local.tags
}
