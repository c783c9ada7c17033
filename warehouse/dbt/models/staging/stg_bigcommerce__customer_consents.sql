-- Live customer_consents (soft-deleted rows excluded by the view), keyed across stores.
select
    store_hash || ':' || customer_id as consent_key,
    store_hash || ':' || customer_id as customer_key,
    v.*
from {{ source('bigcommerce_live', 'customer_consents') }} as v
