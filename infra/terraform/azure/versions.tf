terraform {
  required_version = ">= 1.6"
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.14"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }
}

provider "azurerm" {
  features {
    key_vault {
      # Secrets are soft-deleted and purge-protected: a `terraform destroy` leaves them recoverable.
      purge_soft_delete_on_destroy = false
    }
  }
}
