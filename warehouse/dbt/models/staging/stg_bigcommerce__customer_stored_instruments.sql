-- Live customer_stored_instruments (soft-deleted rows excluded by the view), keyed across stores.
select
    store_hash || ':' || customer_id || ':' || token as instrument_key,
    store_hash || ':' || customer_id as customer_key,
    v.*
from {{ source('bigcommerce_live', 'customer_stored_instruments') }} as v
