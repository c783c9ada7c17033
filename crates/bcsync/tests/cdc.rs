//! The change data capture recipe of docs/schema.md: a publication of the mirror tables
//! on a server with `wal_level=logical`, a logical slot (pgoutput, the protocol Debezium
//! and supabase/etl speak), a real sync, and the customers' changes read from the slot.

use crate::common;

use std::collections::{BTreeSet, HashMap};

use bcsync_simulator::{SimConfig, Simulator};
use common::show;
use sqlx::{Connection, PgConnection};

/// The publication, as documented in docs/schema.md ("Change data capture").
const PUBLICATION: &str = "CREATE PUBLICATION bcsync_mirror FOR TABLE \
    bigcommerce.customers, bigcommerce.customer_addresses, bigcommerce.customer_attributes, \
    bigcommerce.customer_attribute_values, bigcommerce.customer_form_field_values, \
    bigcommerce.customer_consents, bigcommerce.customer_stored_instruments, \
    bigcommerce.customer_metafields, bigcommerce.customer_settings, bigcommerce.customer_channel_settings";

async fn bcsync(db_url: &str, sim: &Simulator, args: &[&str]) {
    let out = common::command_for(db_url, sim, args).output().await.unwrap();
    assert!(out.status.success(), "bcsync {args:?}:\n{}", show(&out));
}

/// What a pgoutput consumer sees: per table, the ids (second column, after
/// store_hash) of inserted and of updated rows.
#[derive(Default, Debug)]
struct Decoded {
    tables: BTreeSet<String>,
    inserts: HashMap<String, BTreeSet<i64>>,
    updates: HashMap<String, BTreeSet<i64>>,
}

fn cstring(buf: &[u8], at: &mut usize) -> String {
    let end = *at + buf[*at..].iter().position(|&b| b == 0).unwrap();
    let s = String::from_utf8_lossy(&buf[*at..end]).into_owned();
    *at = end + 1;
    s
}

fn be32(buf: &[u8], at: &mut usize) -> u32 {
    let v = u32::from_be_bytes(buf[*at..*at + 4].try_into().unwrap());
    *at += 4;
    v
}

/// The second column of a TupleData (pgoutput protocol 1), as text.
fn second_column(buf: &[u8], mut at: usize) -> Option<String> {
    at += 2; // number of columns
    for column in 0..2 {
        let kind = buf[at];
        at += 1;
        if kind != b't' {
            return None;
        }
        let len = be32(buf, &mut at) as usize;
        if column == 1 {
            return Some(String::from_utf8_lossy(&buf[at..at + len]).into_owned());
        }
        at += len;
    }
    None
}

/// Consumes the slot's pending messages.
async fn read_slot(conn: &mut PgConnection, into: &mut Decoded, relations: &mut HashMap<u32, String>) {
    // The throwaway cluster commits with `synchronous_commit=off`, and a slot decodes
    // only WAL already flushed: a checkpoint flushes it all, so the slot sees every
    // commit of the bcsync run that just ended (else it races the WAL writer).
    sqlx::query("CHECKPOINT").execute(&mut *conn).await.unwrap();
    let messages: Vec<Vec<u8>> = sqlx::query_scalar(
        "SELECT data FROM pg_logical_slot_get_binary_changes('bcsync_cdc', NULL, NULL, \
         'proto_version', '1', 'publication_names', 'bcsync_mirror')",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    for m in messages {
        let mut at = 1;
        match m[0] {
            b'R' => {
                let oid = be32(&m, &mut at);
                let schema = cstring(&m, &mut at);
                let name = format!("{schema}.{}", cstring(&m, &mut at));
                into.tables.insert(name.clone());
                relations.insert(oid, name);
            }
            b'I' | b'U' => {
                let oid = be32(&m, &mut at);
                // An update may carry the old key ('K') or row ('O') first; take the new one.
                while m[at] != b'N' {
                    at += 1;
                    let columns = u16::from_be_bytes([m[at], m[at + 1]]);
                    at += 2;
                    for _ in 0..columns {
                        let kind = m[at];
                        at += 1;
                        if kind == b't' {
                            let len = be32(&m, &mut at) as usize;
                            at += len;
                        }
                    }
                }
                let id = second_column(&m, at + 1).and_then(|v| v.parse().ok());
                let table = relations[&oid].clone();
                let bucket = if m[0] == b'I' {
                    &mut into.inserts
                } else {
                    &mut into.updates
                };
                if let Some(id) = id {
                    bucket.entry(table).or_default().insert(id);
                }
            }
            _ => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_logical_slot_on_the_publication_streams_the_customers_changes() {
    let pg = throwaway_pg::ThrowawayPg::start_with_settings(&["wal_level=logical"])
        .await
        .unwrap();
    let url = pg.create_database("bcsync_cdc").await.unwrap();
    let sim = Simulator::start(SimConfig::default().with_customers(40).with_seed(5))
        .await
        .unwrap();
    bcsync(&url, &sim, &["migrate"]).await;

    let mut conn = PgConnection::connect(&url).await.unwrap();
    let level: String = sqlx::query_scalar("SHOW wal_level")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(level, "logical");
    sqlx::query(PUBLICATION).execute(&mut conn).await.unwrap();
    sqlx::query("SELECT pg_create_logical_replication_slot('bcsync_cdc', 'pgoutput')")
        .execute(&mut conn)
        .await
        .unwrap();

    bcsync(&url, &sim, &["resync"]).await;
    let mut decoded = Decoded::default();
    let mut relations = HashMap::new();
    read_slot(&mut conn, &mut decoded, &mut relations).await;
    let want: BTreeSet<i64> = sim.customers().iter().map(|c| c.id).collect();
    assert_eq!(want.len(), 40);
    assert_eq!(
        decoded.inserts.get("bigcommerce.customers"),
        Some(&want),
        "every customer, once"
    );
    assert!(decoded.inserts.contains_key("bigcommerce.customer_addresses"));
    for table in &decoded.tables {
        assert!(
            ![
                "bigcommerce.sync_runs",
                "bigcommerce.sync_state",
                "bigcommerce.change_log"
            ]
            .contains(&table.as_str()),
            "{table} is not in the publication"
        );
    }

    // A merchant's edit arrives as an update of that customer.
    let id = *want.iter().next().unwrap();
    assert!(sim.update_customer(id, |c| c.first_name = Some("Renamed".into())));
    bcsync(&url, &sim, &["sync"]).await;
    let mut later = Decoded::default();
    read_slot(&mut conn, &mut later, &mut relations).await;
    assert_eq!(
        later.updates.get("bigcommerce.customers"),
        Some(&BTreeSet::from([id])),
        "{later:?}"
    );

    sqlx::query("SELECT pg_drop_replication_slot('bcsync_cdc')")
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    pg.stop().await.unwrap();
}
