//! Listing plans. The common shapes are answered from an ordered index without touching
//! other rows: no filter, a date window on the sort key, or `id:in`. Anything else
//! scans the index in order and filters (fine for the rarely used filters), and
//! `sort=last_name` sorts the matches.

use std::cmp::Reverse;

use super::SimState;
use super::filter::{AddressFilter, CustomerFilter, Order, Paging};
use super::index::{Dir, TimeIndex};
use crate::data::convert::{CustomerView, INCLUDE_CAP, Include};
use crate::data::{AddressRec, Secs};

/// The ids of one page and the size of the whole result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PageIds {
    pub total: usize,
    pub ids: Vec<i64>,
}

/// When sorting by id under a date window, collect and sort the window's ids if it is
/// at most this big; otherwise scan all ids in order.
const COLLECT_LIMIT: usize = 50_000;

fn scan(ids: impl Iterator<Item = i64>, mut keep: impl FnMut(i64) -> bool, p: Paging) -> PageIds {
    let (offset, limit) = (p.offset(), p.limit());
    let mut page = PageIds {
        total: 0,
        ids: Vec::new(),
    };
    for id in ids.filter(|id| keep(*id)) {
        if page.total >= offset && page.ids.len() < limit {
            page.ids.push(id);
        }
        page.total += 1;
    }
    page
}

fn paginate(ids: Vec<i64>, p: Paging) -> PageIds {
    let page = ids.iter().skip(p.offset()).take(p.limit()).copied().collect();
    PageIds {
        total: ids.len(),
        ids: page,
    }
}

impl SimState {
    pub(crate) fn customer_page(&self, f: &CustomerFilter, order: Order, p: Paging) -> PageIds {
        let keep = |id: i64| self.customer_rec(id).is_some_and(|c| f.matches(c));
        if let Some(ids) = &f.ids {
            let mut ids: Vec<i64> = ids.iter().copied().filter(|id| keep(*id)).collect();
            self.sort_ids(&mut ids, order);
            return paginate(ids, p);
        }
        let all = || self.customer_ids.slice(0, self.customer_ids.len());
        match order {
            Order::LastName(_) => {
                let mut ids: Vec<i64> = all().filter(|id| keep(*id)).collect();
                self.sort_ids(&mut ids, order);
                paginate(ids, p)
            }
            Order::Modified(dir) => {
                let residual = f.has_field_filters() || f.created.is_set();
                time_page(&self.by_modified, f.modified, dir, residual, keep, p)
            }
            Order::Created(dir) => {
                let residual = f.has_field_filters() || f.modified.is_set();
                time_page(&self.by_created, f.created, dir, residual, keep, p)
            }
            Order::Id if f.has_field_filters() => scan(all(), keep, p),
            Order::Id if !f.modified.is_set() && !f.created.is_set() => PageIds {
                total: self.customer_ids.len(),
                ids: self.customer_ids.iter_from(p.offset()).take(p.limit()).collect(),
            },
            Order::Id => {
                let (m_lo, m_hi) = self.by_modified.range(f.modified, Dir::Asc);
                let (c_lo, c_hi) = self.by_created.range(f.created, Dir::Asc);
                let (idx, lo, hi) = if m_hi - m_lo <= c_hi - c_lo {
                    (&self.by_modified, m_lo, m_hi)
                } else {
                    (&self.by_created, c_lo, c_hi)
                };
                if hi - lo > COLLECT_LIMIT {
                    return scan(all(), keep, p);
                }
                let mut ids: Vec<i64> = idx.ids(Dir::Asc, lo, hi).filter(|id| keep(*id)).collect();
                ids.sort_unstable();
                paginate(ids, p)
            }
        }
    }

    fn sort_ids(&self, ids: &mut [i64], order: Order) {
        let time =
            |id: &i64, pick: fn(&crate::data::CustomerRec) -> Secs| self.customer_rec(*id).map_or(0, pick);
        match order {
            Order::Id => ids.sort_unstable(),
            Order::Modified(Dir::Asc) => ids.sort_unstable_by_key(|id| (time(id, |c| c.date_modified), *id)),
            Order::Modified(Dir::Desc) => {
                ids.sort_unstable_by_key(|id| (Reverse(time(id, |c| c.date_modified)), *id))
            }
            Order::Created(Dir::Asc) => ids.sort_unstable_by_key(|id| (time(id, |c| c.date_created), *id)),
            Order::Created(Dir::Desc) => {
                ids.sort_unstable_by_key(|id| (Reverse(time(id, |c| c.date_created)), *id))
            }
            Order::LastName(dir) => {
                let name = |id: &i64| {
                    self.customer_rec(*id)
                        .map(|c| c.last_name.to_lowercase())
                        .unwrap_or_default()
                };
                match dir {
                    Dir::Asc => ids.sort_by_cached_key(|id| (name(id), *id)),
                    Dir::Desc => ids.sort_by_cached_key(|id| (Reverse(name(id)), *id)),
                }
            }
        }
    }

    pub(crate) fn address_page(&self, f: &AddressFilter, p: Paging) -> PageIds {
        let keep = |id: i64| self.address_rec(id).is_some_and(|a| f.matches(a));
        if let Some(ids) = &f.ids {
            return paginate(ids.iter().copied().filter(|id| keep(*id)).collect(), p);
        }
        if let Some(owners) = &f.customer_ids {
            let mut ids: Vec<i64> = owners
                .iter()
                .filter_map(|c| self.customer_rec(*c))
                .flat_map(|c| c.address_ids.iter().copied())
                .collect();
            ids.sort_unstable();
            ids.retain(|id| keep(*id));
            return paginate(ids, p);
        }
        let all = self.address_ids.slice(0, self.address_ids.len());
        if f.companies.is_none() && f.names.is_none() {
            return PageIds {
                total: self.address_ids.len(),
                ids: self.address_ids.iter_from(p.offset()).take(p.limit()).collect(),
            };
        }
        scan(all, keep, p)
    }

    /// Copies of the page's customers with what `inc` embeds, capped as the API caps it.
    pub(crate) fn customer_views(&self, ids: &[i64], inc: &Include) -> Vec<CustomerView> {
        ids.iter()
            .filter_map(|id| self.view(*id, inc.addresses, true))
            .collect()
    }

    /// `with_addresses` embeds the lowest-id addresses, at most [`INCLUDE_CAP`] when `capped`.
    pub(crate) fn view(&self, id: i64, with_addresses: bool, capped: bool) -> Option<CustomerView> {
        let rec = self.customer_rec(id)?;
        let cap = if capped { INCLUDE_CAP } else { usize::MAX };
        let addresses = if with_addresses {
            rec.address_ids
                .iter()
                .take(cap)
                .filter_map(|a| self.address_rec(*a))
                .cloned()
                .collect()
        } else {
            Vec::new()
        };
        Some(CustomerView {
            rec: rec.clone(),
            addresses,
            patch: self.corruptions.get(&id).cloned(),
            cap_attributes: capped,
        })
    }

    pub(crate) fn address_views(&self, ids: &[i64]) -> Vec<AddressRec> {
        ids.iter()
            .filter_map(|id| self.address_rec(*id))
            .cloned()
            .collect()
    }
}

fn time_page(
    idx: &TimeIndex,
    r: super::filter::DateRange,
    dir: Dir,
    residual: bool,
    keep: impl FnMut(i64) -> bool,
    p: Paging,
) -> PageIds {
    let (lo, hi) = idx.range(r, dir);
    if residual {
        return scan(idx.ids(dir, lo, hi), keep, p);
    }
    let start = lo.saturating_add(p.offset()).min(hi);
    PageIds {
        total: hi - lo,
        ids: idx.ids(dir, start, hi).take(p.limit()).collect(),
    }
}
