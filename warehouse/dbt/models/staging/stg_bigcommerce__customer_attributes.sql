-- Live customer_attributes (soft-deleted rows excluded by the view), keyed across stores.
select
    store_hash || ':' || id as attribute_key,
    v.*
from {{ source('bigcommerce_live', 'customer_attributes') }} as v
