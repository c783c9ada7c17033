//! Where to split a `date_created` range so each half holds half the mirror's rows:
//! count bisection then needs log2(rows / page) levels however the rows cluster in
//! time (bulk imports put thousands in one day and none in a year).

use chrono::{DateTime, Utc};

use crate::counted::Counted;
use crate::error::failed;
use crate::{Mirror, MirrorError};

impl Mirror {
    /// The median `date_created` of the live rows in [min, max]; None when there are none.
    pub async fn created_median(
        &self,
        store_hash: &str,
        what: Counted,
        min: DateTime<Utc>,
        max: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, MirrorError> {
        let sql = match what {
            Counted::Customers => concat!(
                "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY date_created) ",
                "FROM bigcommerce.customers ",
                "WHERE store_hash = $1 AND deleted_at IS NULL AND date_created >= $2 AND date_created <= $3"
            ),
            Counted::AttributeValues => concat!(
                "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY date_created) ",
                "FROM bigcommerce.customer_attribute_values ",
                "WHERE store_hash = $1 AND deleted_at IS NULL AND date_created >= $2 AND date_created <= $3"
            ),
        };
        sqlx::query_scalar(sql)
            .bind(store_hash)
            .bind(min)
            .bind(max)
            .fetch_one(self.pool())
            .await
            .map_err(failed("finding the median date_created of a range"))
    }
}
