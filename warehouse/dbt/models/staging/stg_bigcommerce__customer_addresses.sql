-- Live customer_addresses (soft-deleted rows excluded by the view), keyed across stores.
select
    store_hash || ':' || id as address_key,
    store_hash || ':' || customer_id as customer_key,
    v.*
from {{ source('bigcommerce_live', 'customer_addresses') }} as v
