-- Live customers (soft-deleted rows excluded by the view), keyed across stores.
select
    store_hash || ':' || id as customer_key,
    v.*
from {{ source('bigcommerce_live', 'customers') }} as v
