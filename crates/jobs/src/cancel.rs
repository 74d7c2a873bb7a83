//! Cancellation: a flag checked between steps plus hooks that abort the step in flight.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use parking_lot::Mutex;

type Hook = Arc<dyn Fn() + Send + Sync>;

#[derive(Default)]
struct Shared {
    cancelled: AtomicBool,
    next_hook_id: AtomicU64,
    hooks: Mutex<Vec<(u64, Hook)>>,
}

/// A cancellation token shared by a job and whoever may cancel it. Cloning is cheap.
#[derive(Clone, Default)]
pub struct CancelToken(Arc<Shared>);

impl std::fmt::Debug for CancelToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CancelToken").field("cancelled", &self.is_cancelled()).finish()
    }
}

impl CancelToken {
    /// A token that is not cancelled.
    pub fn new() -> Self {
        Self::default()
    }

    /// Requests cancellation: sets the flag, then runs every registered hook once.
    /// Returns false if it was already cancelled.
    pub fn cancel(&self) -> bool {
        if self.0.cancelled.swap(true, Ordering::SeqCst) {
            return false;
        }
        // Clone the hooks out so a hook may itself touch the token without deadlocking.
        let hooks: Vec<Hook> = self.0.hooks.lock().iter().map(|(_, hook)| Arc::clone(hook)).collect();
        for hook in hooks {
            hook();
        }
        true
    }

    /// Whether cancellation was requested.
    pub fn is_cancelled(&self) -> bool {
        self.0.cancelled.load(Ordering::SeqCst)
    }

    /// Runs `hook` when the token is cancelled while the returned guard lives (or at once if it
    /// already is). Used to abort a model run in flight: the guard scopes the hook to that run.
    #[must_use = "the hook is removed when the guard is dropped"]
    pub fn on_cancel(&self, hook: impl Fn() + Send + Sync + 'static) -> CancelHookGuard {
        let id = self.0.next_hook_id.fetch_add(1, Ordering::Relaxed);
        let hook: Hook = Arc::new(hook);
        self.0.hooks.lock().push((id, Arc::clone(&hook)));
        // Checked after registering, so a cancel racing with registration still runs the hook.
        if self.is_cancelled() {
            hook();
        }
        CancelHookGuard { token: self.clone(), id }
    }
}

/// Removes its hook from the token when dropped.
#[derive(Debug)]
pub struct CancelHookGuard {
    token: CancelToken,
    id: u64,
}

impl Drop for CancelHookGuard {
    fn drop(&mut self) {
        self.token.0.hooks.lock().retain(|(id, _)| *id != self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn hooks_run_once_and_only_while_guarded() {
        let token = CancelToken::new();
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&calls);
        let guard = token.on_cancel(move || {
            counted.fetch_add(1, Ordering::SeqCst);
        });
        let dropped_calls = Arc::new(AtomicUsize::new(0));
        let counted_dropped = Arc::clone(&dropped_calls);
        drop(token.on_cancel(move || {
            counted_dropped.fetch_add(1, Ordering::SeqCst);
        }));

        assert!(token.cancel());
        assert!(!token.cancel(), "second cancel reports it was already cancelled");
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(dropped_calls.load(Ordering::SeqCst), 0, "a dropped guard's hook never runs");
        drop(guard);
    }

    #[test]
    fn hook_registered_after_cancel_runs_at_once() {
        let token = CancelToken::new();
        token.cancel();
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&calls);
        let _guard = token.on_cancel(move || {
            counted.fetch_add(1, Ordering::SeqCst);
        });
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }
}
