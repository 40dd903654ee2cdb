//! Off-site and second-storage copies of the backups (`JOBBOT_BACKUP_TARGETS`): S3 (`s3://bucket/prefix`) and
//! Azure Blob (`azure://container/prefix`) through the `object_store` crate. Credentials come from the usual
//! variables (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_DEFAULT_REGION`, `AWS_ENDPOINT`;
//! `AZURE_STORAGE_ACCOUNT_NAME`, `AZURE_STORAGE_ACCOUNT_KEY`, …), the secret ones also from a `_FILE`.
//!
//! A backup goes to `<prefix>/<id>/` (its data file, then its manifest, so a listed manifest means a complete
//! copy) and is checked after upload: the size from the store, then the SHA-256 of what it sends back.

use std::sync::Arc;

use anyhow::{bail, Context};
use chrono::{DateTime, TimeDelta, Utc};
use futures_util::StreamExt;
use object_store::path::Path as StorePath;
use object_store::{ObjectStore, PutPayload};
use sha2::{Digest, Sha256};

use super::{Local, Manifest};

/// One place backups are copied to.
pub struct Target {
    /// As configured (`s3://bucket/prefix`), for messages and the run record.
    pub url: String,
    store: Arc<dyn ObjectStore>,
    prefix: String,
}

impl Target {
    pub fn parse(url: &str) -> anyhow::Result<Self> {
        let (store, prefix) = crate::files::cloud_store(url)?;
        Ok(Self {
            url: url.to_owned(),
            store,
            prefix,
        })
    }

    fn path(&self, id: &str, file: &str) -> StorePath {
        let key = if self.prefix.is_empty() {
            format!("{id}/{file}")
        } else {
            format!("{}/{id}/{file}", self.prefix)
        };
        StorePath::from(key)
    }

    /// Copies a local backup here, then checks the copy's size and SHA-256.
    pub async fn upload(&self, backup: &Local) -> anyhow::Result<()> {
        let manifest = &backup.manifest;
        self.copy(backup, &manifest.file, manifest.size_bytes, &manifest.sha256)
            .await?;
        if let Some(files) = &manifest.files {
            self.copy(backup, &files.file, files.size_bytes, &files.sha256)
                .await?;
        }
        let text = serde_json::to_vec_pretty(manifest)?;
        self.store
            .put(&self.path(&manifest.id, "manifest.json"), PutPayload::from(text))
            .await
            .with_context(|| format!("{}: upload of the manifest", self.url))?;
        Ok(())
    }

    /// Copies one file of the backup here, then checks its size and SHA-256 as the store sends them back.
    async fn copy(&self, backup: &Local, file: &str, size: u64, sha256: &str) -> anyhow::Result<()> {
        let data = std::fs::read(backup.folder.join(file))?;
        let path = self.path(&backup.manifest.id, file);
        self.store
            .put(&path, PutPayload::from(data))
            .await
            .with_context(|| format!("{}: upload of {file}", self.url))?;
        let meta = self.store.head(&path).await?;
        if meta.size != size {
            bail!(
                "{}: {} bytes of {file} stored instead of {size}",
                self.url,
                meta.size
            );
        }
        let sent_back = self.store.get(&path).await?.bytes().await?;
        let digest: String = Sha256::digest(&sent_back)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        if digest != sha256 {
            bail!(
                "{}: the stored copy of {file} differs from the backup's",
                self.url
            );
        }
        Ok(())
    }

    /// The complete copies here (those with a manifest), oldest first.
    pub async fn list(&self) -> anyhow::Result<Vec<Manifest>> {
        let prefix = (!self.prefix.is_empty()).then(|| StorePath::from(self.prefix.as_str()));
        let mut found = Vec::new();
        let mut objects = self.store.list(prefix.as_ref());
        while let Some(object) = objects.next().await {
            let object = object.with_context(|| format!("{}: listing", self.url))?;
            if object.location.filename() != Some("manifest.json") {
                continue;
            }
            let bytes = self.store.get(&object.location).await?.bytes().await?;
            if let Ok(manifest) = serde_json::from_slice::<Manifest>(&bytes) {
                if manifest.names_are_plain() {
                    found.push(manifest);
                }
            }
        }
        found.sort_by_key(|m| m.created_at);
        Ok(found)
    }

    /// Deletes the copies older than `retention_days` at `now`, never the newest; returns their ids.
    pub async fn prune(&self, retention_days: u32, now: DateTime<Utc>) -> anyhow::Result<Vec<String>> {
        let all = self.list().await?;
        let newest = all.last().map(|m| m.id.clone());
        let limit = now - TimeDelta::days(i64::from(retention_days));
        let mut deleted = Vec::new();
        for manifest in all {
            if manifest.created_at >= limit || Some(&manifest.id) == newest.as_ref() {
                continue;
            }
            // The manifest first: a copy without one is no longer listed, whatever happens next.
            self.store
                .delete(&self.path(&manifest.id, "manifest.json"))
                .await?;
            self.store
                .delete(&self.path(&manifest.id, &manifest.file))
                .await?;
            if let Some(files) = &manifest.files {
                self.store.delete(&self.path(&manifest.id, &files.file)).await?;
            }
            deleted.push(manifest.id);
        }
        Ok(deleted)
    }
}

/// `JOBBOT_BACKUP_TARGETS`: comma-separated URLs.
pub fn targets_from_env() -> anyhow::Result<Vec<Target>> {
    std::env::var("JOBBOT_BACKUP_TARGETS")
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|url| !url.is_empty())
        .map(Target::parse)
        .collect()
}
