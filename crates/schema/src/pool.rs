//! Scratch state of finished validations, kept on the catalogue for the next ones. Typed by the
//! caller (derivative memo tables, the libxml2 replay's memos) but stored without naming those
//! types, so the catalogue does not depend on the modules that use it.

use std::any::Any;
use std::sync::Mutex;

#[derive(Default)]
pub(crate) struct Pool(Mutex<Vec<Box<dyn Any + Send>>>);

impl Pool {
    /// A pooled value of type `T`, if there is one.
    pub(crate) fn take<T: Any + Send>(&self) -> Option<T> {
        let mut pool = self.0.lock().ok()?;
        let i = pool.iter().rposition(|b| b.is::<T>())?;
        pool.swap_remove(i).downcast::<T>().ok().map(|b| *b)
    }

    /// Keeps `value` for a later `take`, unless `limit` values are pooled already.
    pub(crate) fn put<T: Any + Send>(&self, value: T, limit: usize) {
        if let Ok(mut pool) = self.0.lock()
            && pool.len() < limit
        {
            pool.push(Box::new(value));
        }
    }
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pool")
    }
}
