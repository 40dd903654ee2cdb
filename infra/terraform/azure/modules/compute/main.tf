# The machines, Debian 12, running docker-compose.yml's services from the registry's images:
#   web   (frontend subnet, the only public address): nginx, the `web` service, upstreams = the API machines
#   api-N (backend subnet, no public address): the `api` service (and `migrate`; `backup` on api-1) with the
#         database, files and backups of Azure
# cloud-init writes the compose file of this repository, an override for Azure and a start script that pulls
# with the managed identity, fetches each secret from Key Vault into a 0400 file (the *_FILE variables) and
# starts the services. The Azure Monitor agent sends syslog (where Docker's journald logs land) and counters.

variable "prefix" { type = string }
variable "resource_group_name" { type = string }
variable "location" { type = string }
variable "identity_id" { type = string }
variable "identity_client_id" { type = string }
variable "frontend_subnet_id" { type = string }
variable "backend_subnet_id" { type = string }
variable "web_vm_size" { type = string }
variable "api_vm_size" { type = string }
variable "api_instances" { type = number }
variable "admin_ssh_key" { type = string }
variable "app_port" { type = number }
variable "admin_port" { type = number }
variable "admin_cidrs" { type = list(string) }
variable "frontend_prefix" { type = string }
variable "registry" { type = string }
variable "image_tag" { type = string }
variable "key_vault_name" { type = string }
variable "database_host" { type = string }
variable "database_user" { type = string }
variable "public_hostname" { type = string }
variable "llm_provider" { type = string }
variable "storage_account" { type = string }
variable "backup_targets" { type = string }
variable "backup_age" { type = string }
variable "backup_days" { type = number }
variable "offsite_days" { type = number }
variable "metrics_write_url" { type = string }
variable "workspace_id" { type = string }
variable "dcr_id" { type = string }
variable "tags" { type = map(string) }

resource "azurerm_public_ip" "web" {
  name                = "${var.prefix}-web-ip"
  resource_group_name = var.resource_group_name
  location            = var.location
  allocation_method   = "Static"
  sku                 = "Standard"
  zones               = ["1"]
  tags                = var.tags
}

resource "azurerm_network_interface" "web" {
  #checkov:skip=CKV_AZURE_119:The web machine is JobBot's one public entry (nginx, the seeds' Allow-App-Port rule); its security group opens the app port to all, the admin port and SSH to the admins only. No other interface has a public address.
  name                = "${var.prefix}-web-nic"
  resource_group_name = var.resource_group_name
  location            = var.location
  ip_configuration {
    name                          = "primary"
    subnet_id                     = var.frontend_subnet_id
    private_ip_address_allocation = "Dynamic"
    public_ip_address_id          = azurerm_public_ip.web.id
  }
  tags = var.tags
}

resource "azurerm_network_interface" "api" {
  count               = var.api_instances
  name                = "${var.prefix}-api-${count.index + 1}-nic"
  resource_group_name = var.resource_group_name
  location            = var.location
  ip_configuration {
    name                          = "primary"
    subnet_id                     = var.backend_subnet_id
    private_ip_address_allocation = "Dynamic"
  }
  tags = var.tags
}

locals {
  common = {
    identity_client_id = var.identity_client_id
    registry           = var.registry
    image_tag          = var.image_tag
    key_vault_name     = var.key_vault_name
    compose_file       = base64encode(file("${path.root}/../../../docker-compose.yml"))
    public_hostname    = var.public_hostname
    admin_port         = var.admin_port
    app_port           = var.app_port
    metrics_write_url  = var.metrics_write_url
  }
  api_upstreams = join(",", [for nic in azurerm_network_interface.api : "${nic.private_ip_address}:8080"])
  api_admin     = join(",", [for nic in azurerm_network_interface.api : "${nic.private_ip_address}:8001"])
}

resource "azurerm_linux_virtual_machine" "web" {
  #checkov:skip=CKV_AZURE_50:The only extension is the Azure Monitor agent, which sends the logs to Log Analytics (required by the plan).
  name                            = "${var.prefix}-web"
  resource_group_name             = var.resource_group_name
  location                        = var.location
  size                            = var.web_vm_size
  zone                            = "1"
  admin_username                  = "jobbot"
  disable_password_authentication = true
  network_interface_ids           = [azurerm_network_interface.web.id]
  encryption_at_host_enabled      = true
  secure_boot_enabled             = true
  vtpm_enabled                    = true
  allow_extension_operations      = true
  admin_ssh_key {
    username   = "jobbot"
    public_key = var.admin_ssh_key
  }
  identity {
    type         = "UserAssigned"
    identity_ids = [var.identity_id]
  }
  os_disk {
    caching              = "ReadWrite"
    storage_account_type = "StandardSSD_LRS"
  }
  source_image_reference {
    publisher = "Debian"
    offer     = "debian-12"
    sku       = "12-gen2"
    version   = "latest"
  }
  boot_diagnostics {}
  custom_data = base64encode(templatefile("${path.module}/cloud-init.yaml.tftpl", merge(local.common, {
    role           = "web"
    services       = "web prometheus"
    scrape_targets = [for nic in azurerm_network_interface.api : "${nic.private_ip_address}:8001"]
    environment = <<-ENV
      JOBBOT_API_UPSTREAMS=${local.api_upstreams}
      JOBBOT_ADMIN_UPSTREAMS=${local.api_admin}
      JOBBOT_ADMIN_ALLOW=${join(",", var.admin_cidrs)}
      JOBBOT_PUBLIC_PORT=${var.app_port}
      JOBBOT_ADMIN_HOST=0.0.0.0
      JOBBOT_ADMIN_PORT=${var.admin_port}
    ENV
  })))
  tags = var.tags
}

resource "azurerm_linux_virtual_machine" "api" {
  #checkov:skip=CKV_AZURE_50:The only extension is the Azure Monitor agent, which sends the logs to Log Analytics (required by the plan).
  count                           = var.api_instances
  name                            = "${var.prefix}-api-${count.index + 1}"
  resource_group_name             = var.resource_group_name
  location                        = var.location
  size                            = var.api_vm_size
  zone                            = tostring(count.index % 3 + 1)
  admin_username                  = "jobbot"
  disable_password_authentication = true
  network_interface_ids           = [azurerm_network_interface.api[count.index].id]
  encryption_at_host_enabled      = true
  secure_boot_enabled             = true
  vtpm_enabled                    = true
  allow_extension_operations      = true
  admin_ssh_key {
    username   = "jobbot"
    public_key = var.admin_ssh_key
  }
  identity {
    type         = "UserAssigned"
    identity_ids = [var.identity_id]
  }
  os_disk {
    caching              = "ReadWrite"
    storage_account_type = "StandardSSD_LRS"
  }
  source_image_reference {
    publisher = "Debian"
    offer     = "debian-12"
    sku       = "12-gen2"
    version   = "latest"
  }
  boot_diagnostics {}
  custom_data = base64encode(templatefile("${path.module}/cloud-init.yaml.tftpl", merge(local.common, {
    role = "api"
    # One machine runs the migrations first and the daily backups; every machine serves.
    services       = count.index == 0 ? "migrate api backup" : "api"
    scrape_targets = []
    environment = <<-ENV
      DATABASE_URL=postgres://${var.database_user}@${var.database_host}:5432/jobbot?sslmode=require
      JOBBOT_PUBLIC_URL=${var.public_hostname}
      JOBBOT_ALLOWED_ORIGINS=${var.public_hostname}
      JOBBOT_ADMIN_ALLOW=${join(",", concat(var.admin_cidrs, [var.frontend_prefix]))}
      JOBBOT_LLM_PROVIDER=${var.llm_provider}
      JOBBOT_FILES_URL=azure://files/jobbot
      AZURE_STORAGE_ACCOUNT_NAME=${var.storage_account}
      JOBBOT_BACKUP_TARGETS=${var.backup_targets}
      JOBBOT_BACKUP_AGE_RECIPIENT=${var.backup_age}
      JOBBOT_BACKUP_RETENTION_DAYS=${var.backup_days}
      JOBBOT_BACKUP_OFFSITE_RETENTION_DAYS=${var.offsite_days}
    ENV
  })))
  tags = var.tags
}

resource "azurerm_virtual_machine_extension" "monitor_agent" {
  for_each                   = merge({ web = azurerm_linux_virtual_machine.web.id }, { for i, vm in azurerm_linux_virtual_machine.api : "api-${i + 1}" => vm.id })
  name                       = "AzureMonitorLinuxAgent"
  virtual_machine_id         = each.value
  publisher                  = "Microsoft.Azure.Monitor"
  type                       = "AzureMonitorLinuxAgent"
  type_handler_version       = "1.0"
  auto_upgrade_minor_version = true
  automatic_upgrade_enabled  = true
  tags                       = var.tags
}

resource "azurerm_monitor_data_collection_rule_association" "logs" {
  for_each                = azurerm_virtual_machine_extension.monitor_agent
  name                    = "${var.prefix}-${each.key}-logs"
  target_resource_id      = each.value.virtual_machine_id
  data_collection_rule_id = var.dcr_id
}

resource "azurerm_monitor_diagnostic_setting" "web_ip" {
  name                       = "to-log-analytics"
  target_resource_id         = azurerm_public_ip.web.id
  log_analytics_workspace_id = var.workspace_id
  enabled_log {
    category_group = "allLogs"
  }
  metric {
    category = "AllMetrics"
  }
}

resource "azurerm_monitor_diagnostic_setting" "nic" {
  for_each                   = merge({ web = azurerm_network_interface.web.id }, { for i, nic in azurerm_network_interface.api : "api-${i + 1}" => nic.id })
  name                       = "to-log-analytics"
  target_resource_id         = each.value
  log_analytics_workspace_id = var.workspace_id
  metric {
    category = "AllMetrics"
  }
}

output "web_public_ip" { value = azurerm_public_ip.web.ip_address }
output "api_private_ips" { value = [for nic in azurerm_network_interface.api : nic.private_ip_address] }
