//! The file store (`JOBBOT_FILES_URL`): where uploaded files (candidates' CVs) live, through the
//! `object_store` crate — a local folder by default (`<data dir>/files`), `s3://bucket/prefix` or
//! `azure://container/prefix` in production, so every API instance reads what another wrote. Backups copy it
//! (`crate::backup`).
//!
//! Keys are JobBot's own (`cv/<user id>/<uuid>.pdf`): nothing a client sends becomes a path.

use std::sync::Arc;

use anyhow::{anyhow, bail, Context};
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use object_store::path::Path as StorePath;
use object_store::{ObjectStore, PutPayload};

/// A variable, or the content of the file `<NAME>_FILE` names.
pub fn secret(name: &str) -> anyhow::Result<Option<String>> {
    if let Ok(value) = std::env::var(name) {
        return Ok(Some(value));
    }
    match std::env::var(format!("{name}_FILE")) {
        Ok(file) => Ok(Some(
            std::fs::read_to_string(&file)
                .with_context(|| format!("{name}_FILE: cannot read {file}"))?
                .trim()
                .to_owned(),
        )),
        Err(_) => Ok(None),
    }
}

/// The store of `s3://bucket/prefix` or `azure://container/prefix` (credentials from the usual variables:
/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_DEFAULT_REGION`, `AWS_ENDPOINT`;
/// `AZURE_STORAGE_ACCOUNT_NAME`, `AZURE_STORAGE_ACCOUNT_KEY`…, the secret ones also from a `_FILE`) and its
/// prefix.
pub fn cloud_store(url: &str) -> anyhow::Result<(Arc<dyn ObjectStore>, String)> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| anyhow!("{url}: expected s3://bucket/prefix or azure://container/prefix"))?;
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        bail!("{url}: no bucket or container");
    }
    let store: Arc<dyn ObjectStore> = match scheme {
        "s3" => {
            let mut builder = object_store::aws::AmazonS3Builder::from_env().with_bucket_name(bucket);
            if let Some(key) = secret("AWS_SECRET_ACCESS_KEY")? {
                builder = builder.with_secret_access_key(key);
            }
            if std::env::var("AWS_ENDPOINT").is_ok_and(|e| e.starts_with("http://")) {
                builder = builder.with_allow_http(true);
            }
            Arc::new(
                builder
                    .build()
                    .with_context(|| format!("{url}: S3 configuration"))?,
            )
        }
        "azure" => {
            let mut builder =
                object_store::azure::MicrosoftAzureBuilder::from_env().with_container_name(bucket);
            if let Some(key) = secret("AZURE_STORAGE_ACCOUNT_KEY")? {
                builder = builder.with_access_key(key);
            }
            Arc::new(
                builder
                    .build()
                    .with_context(|| format!("{url}: Azure configuration"))?,
            )
        }
        other => bail!("{url}: unknown scheme {other} (s3 or azure)"),
    };
    Ok((store, prefix.trim_matches('/').to_owned()))
}

/// A stored file: its key and when it was written.
#[derive(Debug, Clone)]
pub struct Stored {
    pub key: String,
    pub size: u64,
    pub modified: DateTime<Utc>,
}

pub struct Files {
    /// As configured, for messages.
    pub url: String,
    store: Arc<dyn ObjectStore>,
    prefix: String,
}

impl Files {
    /// `s3://…`, `azure://…`, or a local folder (`file:///srv/files` or a path), created if missing.
    pub fn open(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("s3://") || url.starts_with("azure://") {
            let (store, prefix) = cloud_store(url)?;
            return Ok(Self {
                url: url.to_owned(),
                store,
                prefix,
            });
        }
        let folder = url.strip_prefix("file://").unwrap_or(url);
        std::fs::create_dir_all(folder).with_context(|| format!("cannot create the file store {folder}"))?;
        let store = object_store::local::LocalFileSystem::new_with_prefix(folder)
            .with_context(|| format!("the file store {folder}"))?;
        Ok(Self {
            url: url.to_owned(),
            store: Arc::new(store),
            prefix: String::new(),
        })
    }

    fn path(&self, key: &str) -> StorePath {
        if self.prefix.is_empty() {
            StorePath::from(key)
        } else {
            StorePath::from(format!("{}/{key}", self.prefix))
        }
    }

    fn key_of(&self, path: &StorePath) -> String {
        let full = path.as_ref();
        if self.prefix.is_empty() {
            full.to_owned()
        } else {
            full.strip_prefix(&format!("{}/", self.prefix))
                .unwrap_or(full)
                .to_owned()
        }
    }

    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> anyhow::Result<()> {
        self.store
            .put(&self.path(key), PutPayload::from(bytes))
            .await
            .with_context(|| format!("{}: cannot store {key}", self.url))?;
        Ok(())
    }

    /// The file's bytes; `None` when there is no such file.
    pub async fn get(&self, key: &str) -> anyhow::Result<Option<Vec<u8>>> {
        match self.store.get(&self.path(key)).await {
            Ok(found) => Ok(Some(found.bytes().await?.to_vec())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(error) => Err(anyhow!(error).context(format!("{}: cannot read {key}", self.url))),
        }
    }

    /// Deletes the file (a missing one is no error).
    pub async fn delete(&self, key: &str) -> anyhow::Result<()> {
        match self.store.delete(&self.path(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(anyhow!(error).context(format!("{}: cannot delete {key}", self.url))),
        }
    }

    /// Every file whose key starts with `prefix` (a folder: `cv/`).
    pub async fn list(&self, prefix: &str) -> anyhow::Result<Vec<Stored>> {
        let folder = self.path(prefix.trim_end_matches('/'));
        let mut listing = self.store.list(Some(&folder));
        let mut out = Vec::new();
        while let Some(meta) = listing.next().await {
            let meta = match meta {
                Ok(meta) => meta,
                // A folder that does not exist yet lists nothing.
                Err(object_store::Error::NotFound { .. }) => break,
                Err(error) => {
                    return Err(anyhow!(error).context(format!("{}: cannot list {prefix}", self.url)))
                }
            };
            out.push(Stored {
                key: self.key_of(&meta.location),
                size: meta.size,
                modified: meta.last_modified,
            });
        }
        out.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(out)
    }
}
