variable "name" {
  description = "Prefix of every resource's name (lower-case letters and digits, 3–12): jobbot-prod-vnet, jobbotprodacr…"
  type        = string
  default     = "jobbot"
  validation {
    condition     = can(regex("^[a-z][a-z0-9]{2,11}$", var.name))
    error_message = "name: 3 to 12 lower-case letters and digits, starting with a letter."
  }
}

variable "environment" {
  description = "prod, staging…: part of the names and a tag (lower-case letters and digits, 2–8)."
  type        = string
  default     = "prod"
  validation {
    condition     = can(regex("^[a-z0-9]{2,8}$", var.environment))
    error_message = "environment: 2 to 8 lower-case letters and digits (storage accounts take no dash, 24 characters at most)."
  }
}

variable "location" {
  description = "The Azure region. France Central (Paris) keeps the candidates' data in France."
  type        = string
  default     = "francecentral"
}

variable "admin_cidrs" {
  description = "The admins' public addresses (CIDR): the only sources allowed on the admin port (8000) and SSH (22)."
  type        = list(string)
  validation {
    condition     = length(var.admin_cidrs) > 0 && alltrue([for c in var.admin_cidrs : can(cidrhost(c, 0)) && c != "0.0.0.0/0"])
    error_message = "admin_cidrs: at least one CIDR, and never 0.0.0.0/0."
  }
}

variable "admin_ssh_public_key" {
  description = "The public key of the `jobbot` operator account on the machines (no password login)."
  type        = string
}

variable "alert_email" {
  description = "Where Azure Monitor sends the alerts (ops/prometheus/alerts.yml)."
  type        = string
}

variable "public_hostname" {
  description = "The address users type (https://…), for CORS and the links JobBot writes."
  type        = string
}

variable "address_space" {
  description = "The VNet's range; the frontend, backend and database subnets are carved from it."
  type        = string
  default     = "10.40.0.0/16"
}

variable "app_port" {
  description = "The public port of nginx (HTTPS; plain HTTP is redirected). The seeds' rule Allow-App-Port-3000."
  type        = number
  default     = 3000
}

variable "admin_port" {
  description = "nginx's admin port (the console, /metrics), open to admin_cidrs only."
  type        = number
  default     = 8000
}

variable "web_vm_size" {
  description = "The nginx machine (frontend subnet)."
  type        = string
  default     = "Standard_B1s"
}

variable "api_vm_size" {
  description = "Each API machine (backend subnet)."
  type        = string
  default     = "Standard_B2s"
}

variable "api_instances" {
  description = "API machines behind nginx (two: one can restart while the other serves)."
  type        = number
  default     = 2
}

variable "db_sku" {
  description = "PostgreSQL Flexible Server's compute."
  type        = string
  default     = "B_Standard_B1ms"
}

variable "db_storage_mb" {
  description = "PostgreSQL Flexible Server's storage."
  type        = number
  default     = 32768
}

variable "image_tag" {
  description = "The tag of the api and web images pushed to the registry by GitLab CI."
  type        = string
  default     = "latest"
}

variable "llm_provider" {
  description = "JOBBOT_LLM_PROVIDER: mistral, openrouter, openai, offline or empty (chosen by which key is set in Key Vault)."
  type        = string
  default     = ""
}

variable "log_retention_days" {
  description = "Days Log Analytics keeps the logs."
  type        = number
  default     = 30
}

variable "backup_retention_days" {
  description = "Days the database's own backups (Flexible Server) and the backup files in the storage account are kept."
  type        = number
  default     = 30
}

variable "offsite_retention_days" {
  description = "Days the off-site copies are kept (the seeds' 60 days)."
  type        = number
  default     = 60
}

variable "backup_offsite_targets" {
  description = "Further off-site copies for `jobbot backup` (JOBBOT_BACKUP_TARGETS), e.g. s3://bucket/jobbot; encrypted to backup_age_recipient."
  type        = string
  default     = ""
}

variable "backup_age_recipient" {
  description = "The age public key (age1…) the off-site backup copies are encrypted to."
  type        = string
  default     = ""
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
