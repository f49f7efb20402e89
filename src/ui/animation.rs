//! A requestAnimationFrame loop whose `Drop` cancels the pending frame, so unmounting can never
//! leave a loop running.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

type FrameClosure = Closure<dyn FnMut(f64)>;

/// A running animation loop; dropping it stops the loop.
pub struct AnimationLoop {
    id: Rc<Cell<i32>>,
    slot: Rc<RefCell<Option<FrameClosure>>>,
}

impl AnimationLoop {
    /// Calls `frame(timestamp_ms)` on every animation frame until dropped.
    pub fn start(mut frame: impl FnMut(f64) + 'static) -> AnimationLoop {
        let id = Rc::new(Cell::new(0));
        let slot: Rc<RefCell<Option<FrameClosure>>> = Rc::new(RefCell::new(None));
        let (slot_in, id_in) = (Rc::clone(&slot), Rc::clone(&id));
        let closure = Closure::wrap(Box::new(move |ts: f64| {
            // After a panic the page is frozen behind its overlay: no further frames.
            if crate::ui::panic_guard::panicked() {
                return;
            }
            frame(ts);
            if let Some(cb) = slot_in.borrow().as_ref() {
                if let Some(w) = web_sys::window() {
                    id_in.set(
                        w.request_animation_frame(cb.as_ref().unchecked_ref())
                            .unwrap_or(0),
                    );
                }
            }
        }) as Box<dyn FnMut(f64)>);
        if let Some(w) = web_sys::window() {
            id.set(
                w.request_animation_frame(closure.as_ref().unchecked_ref())
                    .unwrap_or(0),
            );
        }
        *slot.borrow_mut() = Some(closure);
        AnimationLoop { id, slot }
    }
}

impl Drop for AnimationLoop {
    fn drop(&mut self) {
        if let Some(w) = web_sys::window() {
            let _ = w.cancel_animation_frame(self.id.get());
        }
        // Dropping the closure breaks the closure → slot reference cycle.
        self.slot.borrow_mut().take();
    }
}
