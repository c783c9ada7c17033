-- Live customer_metafields (soft-deleted rows excluded by the view), keyed across stores.
select
    store_hash || ':' || id as metafield_key,
    store_hash || ':' || resource_id as customer_key,
    v.*
from {{ source('bigcommerce_live', 'customer_metafields') }} as v
