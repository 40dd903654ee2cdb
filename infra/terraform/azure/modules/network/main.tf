# The VNet and its three subnets, each behind its network security group (the seeds' rules):
#   frontend  nginx: the app port from anywhere, the admin port and SSH from the admins' addresses only
#   backend   the API: its ports from the frontend subnet only, SSH from the frontend machine (the jump host)
#   database  PostgreSQL (delegated to Flexible Server): 5432 from the backend subnet only
# Every group ends with an explicit deny of all other inbound traffic; flow logs and events go to Log Analytics.

variable "prefix" { type = string }
variable "resource_group_name" { type = string }
variable "location" { type = string }
variable "address_space" { type = string }
variable "admin_cidrs" { type = list(string) }
variable "app_port" { type = number }
variable "admin_port" { type = number }
variable "workspace_id" { type = string }
variable "tags" { type = map(string) }

locals {
  subnets = {
    frontend = cidrsubnet(var.address_space, 8, 1)
    backend  = cidrsubnet(var.address_space, 8, 2)
    database = cidrsubnet(var.address_space, 8, 3)
  }
}

resource "azurerm_virtual_network" "main" {
  name                = "${var.prefix}-vnet"
  resource_group_name = var.resource_group_name
  location            = var.location
  address_space       = [var.address_space]
  tags                = var.tags
}

resource "azurerm_subnet" "frontend" {
  name                 = "frontend"
  resource_group_name  = var.resource_group_name
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = [local.subnets.frontend]
  service_endpoints    = ["Microsoft.KeyVault"]
}

resource "azurerm_subnet" "backend" {
  name                 = "backend"
  resource_group_name  = var.resource_group_name
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = [local.subnets.backend]
  service_endpoints    = ["Microsoft.KeyVault", "Microsoft.Storage"]
}

resource "azurerm_subnet" "database" {
  name                 = "database"
  resource_group_name  = var.resource_group_name
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = [local.subnets.database]
  delegation {
    name = "postgresql-flexible-server"
    service_delegation {
      name    = "Microsoft.DBforPostgreSQL/flexibleServers"
      actions = ["Microsoft.Network/virtualNetworks/subnets/join/action"]
    }
  }
}

# --- frontend: nginx ---
resource "azurerm_network_security_group" "frontend" {
  name                = "${var.prefix}-frontend-nsg"
  resource_group_name = var.resource_group_name
  location            = var.location
  tags                = var.tags
}

resource "azurerm_network_security_rule" "admin_port" {
  name                        = "Allow-Admin-Port-${var.admin_port}"
  description                 = "The admin port (console, /metrics) from the admins' addresses only."
  priority                    = 100
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = tostring(var.admin_port)
  source_address_prefixes     = var.admin_cidrs
  destination_address_prefix  = local.subnets.frontend
  resource_group_name         = var.resource_group_name
  network_security_group_name = azurerm_network_security_group.frontend.name
}

resource "azurerm_network_security_rule" "admin_ssh" {
  name                        = "Allow-Admin-SSH"
  description                 = "SSH from the admins' addresses only."
  priority                    = 200
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "22"
  source_address_prefixes     = var.admin_cidrs
  destination_address_prefix  = local.subnets.frontend
  resource_group_name         = var.resource_group_name
  network_security_group_name = azurerm_network_security_group.frontend.name
}

resource "azurerm_network_security_rule" "app_port" {
  name                        = "Allow-App-Port-${var.app_port}"
  description                 = "The app (HTTPS) from anywhere."
  priority                    = 300
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = tostring(var.app_port)
  source_address_prefix       = "Internet"
  destination_address_prefix  = local.subnets.frontend
  resource_group_name         = var.resource_group_name
  network_security_group_name = azurerm_network_security_group.frontend.name
}

resource "azurerm_network_security_rule" "frontend_deny" {
  name                        = "Deny-All-Inbound"
  description                 = "Nothing else reaches the frontend subnet (the platform's load balancer probes excepted)."
  priority                    = 4000
  direction                   = "Inbound"
  access                      = "Deny"
  protocol                    = "*"
  source_port_range           = "*"
  destination_port_range      = "*"
  source_address_prefix       = "*"
  destination_address_prefix  = "*"
  resource_group_name         = var.resource_group_name
  network_security_group_name = azurerm_network_security_group.frontend.name
}

# --- backend: the API ---
resource "azurerm_network_security_group" "backend" {
  name                = "${var.prefix}-backend-nsg"
  resource_group_name = var.resource_group_name
  location            = var.location
  tags                = var.tags
}

resource "azurerm_network_security_rule" "api_from_frontend" {
  name                        = "Allow-API-From-Frontend"
  description                 = "The API's listeners (8080, admin 8001) from nginx's subnet only."
  priority                    = 100
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_ranges     = ["8080", "8001"]
  source_address_prefix       = local.subnets.frontend
  destination_address_prefix  = local.subnets.backend
  resource_group_name         = var.resource_group_name
  network_security_group_name = azurerm_network_security_group.backend.name
}

resource "azurerm_network_security_rule" "ssh_from_frontend" {
  name                        = "Allow-SSH-From-Jump-Host"
  description                 = "SSH through the frontend machine (ssh -J), whose own SSH is open to the admins only."
  priority                    = 200
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "22"
  source_address_prefix       = local.subnets.frontend
  destination_address_prefix  = local.subnets.backend
  resource_group_name         = var.resource_group_name
  network_security_group_name = azurerm_network_security_group.backend.name
}

resource "azurerm_network_security_rule" "backend_deny" {
  name                        = "Deny-All-Inbound"
  description                 = "Nothing else reaches the API machines."
  priority                    = 4000
  direction                   = "Inbound"
  access                      = "Deny"
  protocol                    = "*"
  source_port_range           = "*"
  destination_port_range      = "*"
  source_address_prefix       = "*"
  destination_address_prefix  = "*"
  resource_group_name         = var.resource_group_name
  network_security_group_name = azurerm_network_security_group.backend.name
}

# --- database: PostgreSQL ---
resource "azurerm_network_security_group" "database" {
  name                = "${var.prefix}-database-nsg"
  resource_group_name = var.resource_group_name
  location            = var.location
  tags                = var.tags
}

resource "azurerm_network_security_rule" "postgres_from_backend" {
  name                        = "Allow-PostgreSQL-From-Backend"
  description                 = "PostgreSQL from the API's subnet only."
  priority                    = 100
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "5432"
  source_address_prefix       = local.subnets.backend
  destination_address_prefix  = local.subnets.database
  resource_group_name         = var.resource_group_name
  network_security_group_name = azurerm_network_security_group.database.name
}

resource "azurerm_network_security_rule" "database_deny" {
  name                        = "Deny-All-Inbound"
  description                 = "Nothing else reaches the database subnet, not even the frontend subnet."
  priority                    = 4000
  direction                   = "Inbound"
  access                      = "Deny"
  protocol                    = "*"
  source_port_range           = "*"
  destination_port_range      = "*"
  source_address_prefix       = "*"
  destination_address_prefix  = "*"
  resource_group_name         = var.resource_group_name
  network_security_group_name = azurerm_network_security_group.database.name
}

resource "azurerm_subnet_network_security_group_association" "frontend" {
  subnet_id                 = azurerm_subnet.frontend.id
  network_security_group_id = azurerm_network_security_group.frontend.id
}

resource "azurerm_subnet_network_security_group_association" "backend" {
  subnet_id                 = azurerm_subnet.backend.id
  network_security_group_id = azurerm_network_security_group.backend.id
}

resource "azurerm_subnet_network_security_group_association" "database" {
  subnet_id                 = azurerm_subnet.database.id
  network_security_group_id = azurerm_network_security_group.database.id
}

# --- logs: the seeds' "logs détaillés des activités réseau" ---
resource "azurerm_monitor_diagnostic_setting" "vnet" {
  name                       = "to-log-analytics"
  target_resource_id         = azurerm_virtual_network.main.id
  log_analytics_workspace_id = var.workspace_id
  enabled_log {
    category_group = "allLogs"
  }
  metric {
    category = "AllMetrics"
  }
}

resource "azurerm_monitor_diagnostic_setting" "nsg" {
  for_each = {
    frontend = azurerm_network_security_group.frontend.id
    backend  = azurerm_network_security_group.backend.id
    database = azurerm_network_security_group.database.id
  }
  name                       = "to-log-analytics"
  target_resource_id         = each.value
  log_analytics_workspace_id = var.workspace_id
  enabled_log {
    category_group = "allLogs"
  }
}

output "vnet_id" { value = azurerm_virtual_network.main.id }
output "subnet_ids" {
  value = {
    frontend = azurerm_subnet.frontend.id
    backend  = azurerm_subnet.backend.id
    database = azurerm_subnet.database.id
  }
}
output "subnet_prefixes" { value = local.subnets }
