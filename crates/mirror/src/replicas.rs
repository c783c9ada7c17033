//! The daemon replicas sharing the stores (`bigcommerce.replicas`): each announces
//! itself with a heartbeat that expires; the live ones, in name order, split the stores.
//! Times are the database's, like the leases'.

use std::time::Duration;

use crate::error::failed;
use crate::{Mirror, MirrorError};

/// Announces (or renews) `holder` for `ttl` and returns every live replica's name,
/// sorted, `holder` included. Long-dead rows are swept on the way.
const HEARTBEAT: &str = r#"
WITH beat AS (
    INSERT INTO bigcommerce.replicas AS r (holder, heartbeat_at, expires_at)
    VALUES ($1, now(), now() + make_interval(secs => $2::float8))
    ON CONFLICT (holder) DO UPDATE SET heartbeat_at = now(), expires_at = EXCLUDED.expires_at
    RETURNING holder
), swept AS (
    DELETE FROM bigcommerce.replicas WHERE expires_at < now() - interval '1 day'
)
SELECT holder FROM bigcommerce.replicas WHERE expires_at > now() AND holder <> $1
UNION SELECT holder FROM beat
ORDER BY 1
"#;

impl Mirror {
    /// Renews this replica's heartbeat; returns the live replicas, sorted by name.
    pub async fn replica_heartbeat(&self, holder: &str, ttl: Duration) -> Result<Vec<String>, MirrorError> {
        sqlx::query_scalar(HEARTBEAT)
            .bind(holder)
            .bind(ttl.as_secs_f64())
            .fetch_all(self.pool())
            .await
            .map_err(failed("renewing the heartbeat in bigcommerce.replicas"))
    }

    /// Leaves: the others count one replica fewer at their next heartbeat.
    pub async fn replica_leave(&self, holder: &str) -> Result<(), MirrorError> {
        sqlx::query("DELETE FROM bigcommerce.replicas WHERE holder = $1")
            .bind(holder)
            .execute(self.pool())
            .await
            .map_err(failed("leaving bigcommerce.replicas"))?;
        Ok(())
    }
}

/// How many of `stores` the replica `me` should hold among the `live` ones (sorted):
/// `floor(S/R)`, plus one for the first `S mod R` names, so the shares add up to S.
/// A replica missing from `live` (its heartbeat not yet seen) counts itself in last.
pub fn fair_share(stores: usize, live: &[String], me: &str) -> usize {
    let (rank, count) = match live.iter().position(|h| h == me) {
        Some(rank) => (rank, live.len()),
        None => (live.len(), live.len() + 1),
    };
    stores / count + usize::from(rank < stores % count)
}

#[cfg(test)]
mod tests {
    use super::fair_share;

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("r{i}")).collect()
    }

    #[test]
    fn shares_add_up_to_the_stores_and_differ_by_at_most_one() {
        for stores in 0..70 {
            for replicas in 1..8 {
                let live = names(replicas);
                let shares: Vec<usize> = live.iter().map(|me| fair_share(stores, &live, me)).collect();
                assert_eq!(shares.iter().sum::<usize>(), stores, "{stores}/{replicas}");
                let (min, max) = (shares.iter().min().unwrap(), shares.iter().max().unwrap());
                assert!(max - min <= 1, "{stores}/{replicas}: {shares:?}");
            }
        }
        assert_eq!(fair_share(60, &names(3), "r1"), 20);
        assert_eq!(fair_share(60, &names(2), "r1"), 30);
        assert_eq!(fair_share(1, &names(2), "r1"), 0);
        assert_eq!(fair_share(1, &names(2), "r0"), 1);
        // Not yet counted: itself last.
        assert_eq!(fair_share(3, &names(1), "zz"), 1);
    }
}
