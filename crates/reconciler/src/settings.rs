//! Store-wide settings and per-channel settings: one request each, every pass.

use bcsync_mirror::{Mirror, RecordPage, Resource, Scope, Tally};
use bigcommerce::models::Exclusions;
use bigcommerce::{BigCommerceClient, ClientError};

use crate::error::ReconcileError;

/// `GET /customers/settings`.
pub async fn sync_settings(
    client: &BigCommerceClient,
    mirror: &Mirror,
    ex: &Exclusions,
) -> Result<Tally, ReconcileError> {
    let mut record = client.get_settings().await?.raw.to_value();
    ex.strip(Resource::Settings, &mut record);
    let written = mirror
        .write_records(&RecordPage {
            store_hash: client.store_hash(),
            resource: Resource::Settings,
            records: std::slice::from_ref(&record),
            scope: Scope::Everything,
            checkpoint: None,
        })
        .await?;
    let mut stats = Tally {
        read: 1,
        ..Default::default()
    };
    stats += written;
    Ok(stats)
}

/// `GET /customers/settings/channels/{id}` for every channel the customers mention
/// (`channel_ids`, `origin_channel_id`) plus the configured ones. `mentioned`: those
/// channels when known (a resync's walk saw every customer), else read from the
/// mirror (a scan of the store's customers).
pub async fn sync_channel_settings(
    client: &BigCommerceClient,
    mirror: &Mirror,
    configured: &[i64],
    ex: &Exclusions,
    mentioned: Option<Vec<i64>>,
) -> Result<Tally, ReconcileError> {
    let mut channels = match mentioned {
        Some(channels) => channels,
        None => mirror.channel_ids(client.store_hash()).await?,
    };
    channels.extend_from_slice(configured);
    channels.sort_unstable();
    channels.dedup();
    let mut records = Vec::new();
    for channel in channels {
        let mut record = match client.get_channel_settings(channel).await {
            Ok(r) => r.raw.to_value(),
            // A channel that no longer exists has no settings.
            Err(ClientError::Status { status: 404, .. }) => continue,
            Err(e) => return Err(e.into()),
        };
        if let Some(obj) = record.as_object_mut() {
            obj.insert("channel_id".to_owned(), channel.into());
        }
        ex.strip(Resource::ChannelSettings, &mut record);
        records.push(record);
    }
    let written = mirror
        .write_records(&RecordPage {
            store_hash: client.store_hash(),
            resource: Resource::ChannelSettings,
            records: &records,
            scope: Scope::Everything,
            checkpoint: None,
        })
        .await?;
    let mut stats = Tally {
        read: records.len() as u64,
        ..Default::default()
    };
    stats += written;
    Ok(stats)
}
