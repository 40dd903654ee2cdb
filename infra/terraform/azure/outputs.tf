output "web_public_ip" {
  description = "nginx's public address: point public_hostname's DNS record here."
  value       = module.compute.web_public_ip
}

output "registry_login_server" {
  description = "Where GitLab CI pushes the api and web images (JOBBOT_IMAGE)."
  value       = module.registry.login_server
}

output "database_fqdn" {
  description = "PostgreSQL's private name (resolved inside the VNet only)."
  value       = module.database.fqdn
}

output "key_vault_uri" {
  description = "The vault holding every secret: write the AI keys here (mistral-api-key, openrouter-api-key)."
  value       = module.keyvault.uri
}

output "backup_storage_account" {
  description = "The backups' storage account (geo-redundant)."
  value       = module.storage.account_name
}

output "log_analytics_workspace_id" {
  description = "Where the logs and diagnostics go."
  value       = module.monitoring.workspace_id
}

output "ssh" {
  description = "How an admin reaches the machines: the web machine, then the API machines through it."
  value       = "ssh -J jobbot@${module.compute.web_public_ip} jobbot@<api private address: ${join(", ", module.compute.api_private_ips)}>"
}
