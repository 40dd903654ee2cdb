//! The WebSocket to `/api/v1/ws` while logged in: events land in `Live::event`, and `Live::epoch` moves on
//! every (re)connection so pages catch up through REST on what they may have missed.

use jobbot_api_types::LiveEvent;
use leptos::prelude::*;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::JsCast;

use crate::state::AppState;

#[derive(Clone, Copy)]
pub struct Live {
    pub event: RwSignal<Option<LiveEvent>>,
    pub epoch: RwSignal<u32>,
}

impl Live {
    /// Connects whenever someone is logged in, and reconnects after a drop.
    pub fn start(state: AppState) -> Self {
        let live = Self {
            event: RwSignal::new(None),
            epoch: RwSignal::new(0),
        };
        let logged_in = Memo::new(move |_| state.user.with(Option::is_some));
        Effect::new(move |_| {
            if logged_in.get() {
                connect(live, state);
            } else {
                SOCKET.with(|socket| {
                    if let Some(socket) = socket.borrow_mut().take() {
                        let _ = socket.close();
                    }
                });
            }
        });
        live
    }
}

fn connect(live: Live, state: AppState) {
    let Some(window) = web_sys::window() else { return };
    let location = window.location();
    let scheme = if location.protocol().unwrap_or_default() == "https:" {
        "wss"
    } else {
        "ws"
    };
    let url = format!("{scheme}://{}/api/v1/ws", location.host().unwrap_or_default());
    let Ok(socket) = web_sys::WebSocket::new(&url) else {
        return;
    };
    let on_open = Closure::<dyn FnMut()>::new(move || live.epoch.update(|e| *e += 1));
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
        if let Some(text) = event.data().as_string() {
            if let Ok(parsed) = serde_json::from_str::<LiveEvent>(&text) {
                if matches!(parsed, LiveEvent::SessionEnded(_)) {
                    // Someone ended sessions of this account (an admin): if ours is one of them, sign out.
                    leptos::task::spawn_local(async move {
                        if let Err(error) = crate::api::me().await {
                            if error.0.status == 401 {
                                crate::api::forget_session();
                                state.user.set(None);
                            }
                        }
                    });
                    return;
                }
                if let LiveEvent::Notifications(count) = &parsed {
                    state.unread.set(count.unread);
                }
                live.event.set(Some(parsed));
            }
        }
    });
    let on_close = Closure::<dyn FnMut()>::new(move || {
        // Still logged in: try again shortly (a refreshed session or a restarted server).
        if state.user.with_untracked(Option::is_some) {
            leptos::prelude::set_timeout(move || connect(live, state), std::time::Duration::from_secs(2));
        }
    });
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    // The socket keeps its handlers for its whole life.
    on_open.forget();
    on_message.forget();
    on_close.forget();
    SOCKET.with(|slot| *slot.borrow_mut() = Some(socket));
}

thread_local! {
    /// The open socket, to close it at logout.
    static SOCKET: std::cell::RefCell<Option<web_sys::WebSocket>> = const { std::cell::RefCell::new(None) };
}
