//! The changes webhooks announce, noted as writes happen and taken by whoever flushes
//! them (see `crate::webhooks`). Only customer and address writes are noted:
//! `store/customer/updated` does not fire for sub-resources (form fields, attributes,
//! consent, metafields), nor for address edits even when they bump `date_modified`. A
//! deleted customer's addresses go with it silently; its own event covers them.

use super::SimState;
use crate::webhooks::Event;
use crate::webhooks::event::Change;

impl SimState {
    /// Starts or stops noting events; stopping drops the ones not taken yet.
    pub(crate) fn set_record_events(&mut self, on: bool) {
        self.record_events = on;
        if !on {
            self.events.clear();
        }
    }

    /// The events noted since the last call, oldest first.
    pub(crate) fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    pub(super) fn customer_event(&mut self, change: Change, id: i64) {
        if self.record_events {
            self.events.push(Event::Customer(change, id));
        }
    }

    pub(super) fn address_event(&mut self, change: Change, id: i64, customer_id: i64) {
        if self.record_events {
            self.events.push(Event::Address(change, id, customer_id));
        }
    }
}
