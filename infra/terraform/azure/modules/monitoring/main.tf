# Where the logs, the metrics and the alerts go.
#   Log Analytics     the machines' logs (syslog, which the containers' journald feeds, and their counters,
#                     through the Azure Monitor agent) and every resource's diagnostic settings
#   Azure Monitor workspace (managed Prometheus)
#                     JobBot's /metrics, remote-written by the Prometheus of docker-compose.yml's monitoring
#                     profile with the machines' identity
#   alert rules       ops/prometheus/alerts.yml itself, read by Terraform: the same expressions, durations,
#                     severities and texts as `make test`'s promtool checks, so the two cannot drift
#   action group      the alerts by email

variable "prefix" { type = string }
variable "resource_group_name" { type = string }
variable "location" { type = string }
variable "retention_days" { type = number }
variable "alert_email" { type = string }
variable "alert_rules_file" { type = string }
variable "publisher_principal" { type = string }
variable "tags" { type = map(string) }

resource "azurerm_log_analytics_workspace" "main" {
  name                = "${var.prefix}-logs"
  resource_group_name = var.resource_group_name
  location            = var.location
  sku                 = "PerGB2018"
  retention_in_days   = var.retention_days
  tags                = var.tags
}

resource "azurerm_monitor_action_group" "ops" {
  name                = "${var.prefix}-ops"
  resource_group_name = var.resource_group_name
  short_name          = "jobbotops"
  email_receiver {
    name                    = "ops"
    email_address           = var.alert_email
    use_common_alert_schema = true
  }
  tags = var.tags
}

resource "azurerm_monitor_workspace" "prometheus" {
  name                = "${var.prefix}-prometheus"
  resource_group_name = var.resource_group_name
  location            = var.location
  tags                = var.tags
}

# The Prometheus on the machines writes with the machines' identity into the workspace's own collection rule.
data "azurerm_monitor_data_collection_rule" "prometheus" {
  name                = element(split("/", azurerm_monitor_workspace.prometheus.default_data_collection_rule_id), 8)
  resource_group_name = element(split("/", azurerm_monitor_workspace.prometheus.default_data_collection_rule_id), 4)
}

data "azurerm_monitor_data_collection_endpoint" "prometheus" {
  name                = element(split("/", azurerm_monitor_workspace.prometheus.default_data_collection_endpoint_id), 8)
  resource_group_name = element(split("/", azurerm_monitor_workspace.prometheus.default_data_collection_endpoint_id), 4)
}

resource "azurerm_role_assignment" "metrics_publisher" {
  scope                = azurerm_monitor_workspace.prometheus.default_data_collection_rule_id
  role_definition_name = "Monitoring Metrics Publisher"
  principal_id         = var.publisher_principal
}

# The machines' logs and counters, through the Azure Monitor agent.
resource "azurerm_monitor_data_collection_endpoint" "logs" {
  name                = "${var.prefix}-logs-dce"
  resource_group_name = var.resource_group_name
  location            = var.location
  kind                = "Linux"
  tags                = var.tags
}

resource "azurerm_monitor_data_collection_rule" "logs" {
  name                        = "${var.prefix}-logs-dcr"
  resource_group_name         = var.resource_group_name
  location                    = var.location
  data_collection_endpoint_id = azurerm_monitor_data_collection_endpoint.logs.id
  kind                        = "Linux"
  destinations {
    log_analytics {
      name                  = "logs"
      workspace_resource_id = azurerm_log_analytics_workspace.main.id
    }
  }
  data_flow {
    streams      = ["Microsoft-Syslog", "Microsoft-Perf"]
    destinations = ["logs"]
  }
  data_sources {
    syslog {
      name           = "syslog"
      facility_names = ["daemon", "user", "auth", "authpriv", "kern"]
      log_levels     = ["Info", "Notice", "Warning", "Error", "Critical", "Alert", "Emergency"]
      streams        = ["Microsoft-Syslog"]
    }
    performance_counter {
      name                          = "counters"
      streams                       = ["Microsoft-Perf"]
      sampling_frequency_in_seconds = 60
      counter_specifiers = [
        "Processor(*)\\% Processor Time",
        "Memory(*)\\% Used Memory",
        "Logical Disk(*)\\% Used Space",
        "Network(*)\\Total Bytes",
      ]
    }
  }
  tags = var.tags
}

resource "azurerm_monitor_diagnostic_setting" "workspace" {
  name                       = "to-log-analytics"
  target_resource_id         = azurerm_log_analytics_workspace.main.id
  log_analytics_workspace_id = azurerm_log_analytics_workspace.main.id
  enabled_log {
    category_group = "audit"
  }
  metric {
    category = "AllMetrics"
  }
}

output "workspace_id" { value = azurerm_log_analytics_workspace.main.id }
output "data_collection_rule_id" { value = azurerm_monitor_data_collection_rule.logs.id }
output "prometheus_write_url" {
  value = "${data.azurerm_monitor_data_collection_endpoint.prometheus.metrics_ingestion_endpoint}/dataCollectionRules/${data.azurerm_monitor_data_collection_rule.prometheus.immutable_id}/streams/Microsoft-PrometheusMetrics/api/v1/write?api-version=2023-04-24"
}
