-- Live customer_settings (soft-deleted rows excluded by the view), keyed across stores.
select
    store_hash as settings_key,
    v.*
from {{ source('bigcommerce_live', 'customer_settings') }} as v
