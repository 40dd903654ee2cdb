#!/usr/bin/env bash
# Creates the secret files docker-compose.yml reads, where they are missing (never overwrites one):
#   scripts/make-secrets.sh [DIR]        default ./secrets (JOBBOT_SECRETS_DIR in .env names another)
# db_password and jwt_secret get 32 random bytes (hex); the AI keys stay empty (the offline coach answers)
# until you write a key in them, as do France Travail's client secret (with JOBBOT_OFFERS_SYNC) and the off-site backup keys (used with JOBBOT_BACKUP_TARGETS). The folder is 0700, the files 0444 (the containers' users read them).
set -euo pipefail
dir=${1:-secrets}
umask 077
mkdir -p "$dir"
chmod 700 "$dir"
for name in db_password jwt_secret mistral_api_key openrouter_api_key france_travail_client_secret aws_secret_access_key azure_storage_account_key; do
  file="$dir/$name"
  if [ -e "$file" ]; then
    echo "kept    $file"
    continue
  fi
  case "$name" in
    db_password | jwt_secret) od -An -N32 -tx1 /dev/urandom | tr -d ' \n' >"$file" ;;
    *) : >"$file" ;;
  esac
  chmod 444 "$file"
  echo "created $file"
done
