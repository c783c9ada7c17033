-- Live customer_channel_settings (soft-deleted rows excluded by the view), keyed across stores.
select
    store_hash || ':' || channel_id as channel_settings_key,
    v.*
from {{ source('bigcommerce_live', 'customer_channel_settings') }} as v
