-- Staging models carry live rows only: any soft-deleted row here fails the test.
select 'customers' as model, store_hash from {{ ref('stg_bigcommerce__customers') }} where deleted_at is not null
union all
select 'customer_addresses' as model, store_hash from {{ ref('stg_bigcommerce__customer_addresses') }} where deleted_at is not null
union all
select 'customer_attributes' as model, store_hash from {{ ref('stg_bigcommerce__customer_attributes') }} where deleted_at is not null
union all
select 'customer_attribute_values' as model, store_hash from {{ ref('stg_bigcommerce__customer_attribute_values') }} where deleted_at is not null
union all
select 'customer_form_field_values' as model, store_hash from {{ ref('stg_bigcommerce__customer_form_field_values') }} where deleted_at is not null
union all
select 'customer_consents' as model, store_hash from {{ ref('stg_bigcommerce__customer_consents') }} where deleted_at is not null
union all
select 'customer_stored_instruments' as model, store_hash from {{ ref('stg_bigcommerce__customer_stored_instruments') }} where deleted_at is not null
union all
select 'customer_metafields' as model, store_hash from {{ ref('stg_bigcommerce__customer_metafields') }} where deleted_at is not null
union all
select 'customer_settings' as model, store_hash from {{ ref('stg_bigcommerce__customer_settings') }} where deleted_at is not null
union all
select 'customer_channel_settings' as model, store_hash from {{ ref('stg_bigcommerce__customer_channel_settings') }} where deleted_at is not null
