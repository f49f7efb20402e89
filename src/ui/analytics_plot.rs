//! The Streaming-102 picture on a canvas: x = processing (virtual) time, y = event time. Each
//! record the job read is a dot (coloured by key; late ones red with an ×), windows are
//! horizontal bands, the combined watermark is a bold rising line with each split's watermark
//! thin beside it (dashed while idle), and panes that just fired light up.
//!
//! The panel refreshes [`PlotData`] from `DescribeJob` and the at-least-once sink at its own rate;
//! the canvas redraws every animation frame from that copy, sliding with the virtual clock.

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use yew::prelude::*;

use crate::ui::analytics_plot_data::{PlotData, PlotHandle};
use crate::ui::animation::AnimationLoop;
use crate::ui::palette::{shard_color, CanvasTheme, DARK, LIGHT};
use crate::ui::playground::Handle;

/// Processing time shown, ms.
const SPAN_MS: f64 = 60_000.0;
/// How long a fired pane glows, virtual ms.
const GLOW_MS: f64 = 2_500.0;
const H: f64 = 340.0;
const LEFT: f64 = 78.0;
const RIGHT: f64 = 86.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 26.0;

/// Hue of a key (stable across frames).
pub fn key_hue(key: &str) -> u32 {
    let mut h: u32 = 2_166_136_261;
    for b in key.bytes() {
        h = (h ^ u32::from(b)).wrapping_mul(16_777_619);
    }
    (h >> 8) % 360
}

fn hms(unix_ms: f64) -> String {
    let s = (unix_ms / 1000.0).floor() as i64;
    let ms = (unix_ms - s as f64 * 1000.0).max(0.0) as i64;
    let d = s.rem_euclid(86_400);
    if ms == 0 {
        format!("{:02}:{:02}:{:02}", d / 3600, d / 60 % 60, d % 60)
    } else {
        format!(
            "{:02}:{:02}:{:02}.{:01}",
            d / 3600,
            d / 60 % 60,
            d % 60,
            ms / 100
        )
    }
}

/// Draws one frame. `now` is the virtual clock now.
fn draw(data: &mut PlotData, canvas: &HtmlCanvasElement, now: f64) {
    let Some(ctx) = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
    else {
        return;
    };
    let theme: CanvasTheme = if data.dark { DARK } else { LIGHT };
    let dpr = web_sys::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .max(1.0);
    let w = f64::from(canvas.client_width()).max(320.0);
    let (pw, ph) = ((w * dpr).round() as u32, (H * dpr).round() as u32);
    if canvas.width() != pw || canvas.height() != ph {
        canvas.set_width(pw);
        canvas.set_height(ph);
    }
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    ctx.set_fill_style_str(theme.background);
    ctx.fill_rect(0.0, 0.0, w, H);
    let (x0, x1, y0, y1) = (LEFT, w - RIGHT, TOP, H - BOTTOM);
    ctx.set_font("11px system-ui, sans-serif");
    if !data.has_job {
        ctx.set_fill_style_str(theme.muted);
        let _ = ctx.fill_text(
            "Start the application: records, windows and watermarks appear here.",
            x0,
            H / 2.0,
        );
        return;
    }
    let off = data.offset;
    let t_end = now + off;
    let t_start = t_end - SPAN_MS;
    let x = |at_virtual: f64| x0 + (at_virtual + off - t_start) / SPAN_MS * (x1 - x0);
    // Event-time range: what is visible, eased towards so the picture does not jump.
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    let mut see = |v: f64| {
        lo = lo.min(v);
        hi = hi.max(v);
    };
    for d in data.dots.iter().filter(|d| d.at + off >= t_start) {
        see(d.event);
    }
    if let Some(&(_, m)) = data.combined.last() {
        see(m);
    }
    see(t_end);
    if hi - lo < 30_000.0 {
        let mid = (hi + lo) / 2.0;
        lo = mid - 15_000.0;
        hi = mid + 15_000.0;
    }
    let pad = (hi - lo) * 0.08;
    let target = (lo - pad, hi + pad);
    let (ylo, yhi) = match data.y_range {
        Some((a, b)) if (b - a) > 0.0 && (a - target.0).abs() < 600_000.0 => {
            (a + (target.0 - a) * 0.15, b + (target.1 - b) * 0.15)
        }
        _ => target,
    };
    data.y_range = Some((ylo, yhi));
    let y = |ev: f64| y1 - (ev - ylo) / (yhi - ylo) * (y1 - y0);

    // Grid and axes.
    ctx.set_stroke_style_str(theme.grid);
    ctx.set_line_width(1.0);
    ctx.set_fill_style_str(theme.muted);
    let step = if yhi - ylo > 120_000.0 {
        30_000.0
    } else if yhi - ylo > 50_000.0 {
        10_000.0
    } else {
        5_000.0
    };
    let mut ev = (ylo / step).ceil() * step;
    while ev <= yhi {
        let yy = y(ev);
        ctx.begin_path();
        ctx.move_to(x0, yy);
        ctx.line_to(x1, yy);
        ctx.stroke();
        let _ = ctx.fill_text(&hms(ev), 4.0, yy + 4.0);
        ev += step;
    }
    let mut s = 0.0;
    while s <= SPAN_MS {
        let xx = x1 - s / SPAN_MS * (x1 - x0);
        let _ = ctx.fill_text(
            &if s == 0.0 {
                "now".to_string()
            } else {
                format!("−{} s", s / 1000.0)
            },
            xx - 12.0,
            H - 8.0,
        );
        s += 10_000.0;
    }
    let _ = ctx.fill_text("event time ↑ · processing time →", x0 + 4.0, H - 8.0 - 12.0);

    // Fired windows: a green band up to the processing time they fired at.
    for (s, e, at) in &data.fired_windows {
        let (ya, yb, xa) = (y(*e).max(y0), y(*s).min(y1), x(*at).min(x1));
        if yb <= ya || xa <= x0 {
            continue;
        }
        ctx.set_fill_style_str(if data.dark {
            "rgba(53,196,139,0.10)"
        } else {
            "rgba(15,138,95,0.08)"
        });
        ctx.fill_rect(x0, ya, xa - x0, yb - ya);
        ctx.set_stroke_style_str(if data.dark {
            "rgba(53,196,139,0.55)"
        } else {
            "rgba(15,138,95,0.5)"
        });
        ctx.begin_path();
        ctx.move_to(xa, ya);
        ctx.line_to(xa, yb);
        ctx.stroke();
        ctx.set_fill_style_str(if data.dark { "#35c48b" } else { "#0f8a5f" });
        let _ = ctx.fill_text(
            &format!("[{}, {}) fired", hms(*s), hms(*e)),
            (xa - 150.0).max(x0 + 210.0),
            ya + 12.0,
        );
    }
    // Windows: open ones as quiet bands, fired ones glowing for a moment.
    for (s, e, n) in &data.open {
        let (ya, yb) = (y(*e), y(*s));
        if yb < y0 || ya > y1 {
            continue;
        }
        ctx.set_fill_style_str(if data.dark {
            "rgba(120,160,255,0.10)"
        } else {
            "rgba(40,90,200,0.08)"
        });
        ctx.fill_rect(x0, ya.max(y0), x1 - x0, (yb.min(y1) - ya.max(y0)).max(0.0));
        ctx.set_stroke_style_str(if data.dark {
            "rgba(120,160,255,0.45)"
        } else {
            "rgba(40,90,200,0.4)"
        });
        ctx.stroke_rect(x0, ya.max(y0), x1 - x0, (yb.min(y1) - ya.max(y0)).max(0.0));
        ctx.set_fill_style_str(theme.muted);
        let _ = ctx.fill_text(
            &format!(
                "[{}, {}) open · {n} key{}",
                hms(*s),
                hms(*e),
                if *n == 1 { "" } else { "s" }
            ),
            (x1 - 200.0).max(x0 + 210.0),
            ya.max(y0) + 12.0,
        );
    }
    for (s, e, at, _) in &data.fired {
        let age = now - at;
        if !(0.0..GLOW_MS).contains(&age) {
            continue;
        }
        let a = 0.35 * (1.0 - age / GLOW_MS);
        let (ya, yb) = (y(*e).max(y0), y(*s).min(y1));
        ctx.set_fill_style_str(&format!("rgba(255,209,102,{a:.3})"));
        ctx.fill_rect(
            x(*at).max(x0) - 40.0,
            ya,
            80.0_f64.min(x1 - x0),
            (yb - ya).max(0.0),
        );
    }
    // The ideal line: event time = processing time.
    ctx.set_stroke_style_str(theme.grid);
    set_dash(&ctx, 4.0);
    ctx.begin_path();
    ctx.move_to(x0, y(t_start));
    ctx.line_to(x1, y(t_end));
    ctx.stroke();
    // Split watermarks: thin, dashed while idle, labelled by shard.
    for (i, (id, pts)) in data.splits.iter().enumerate() {
        ctx.set_stroke_style_str(shard_color(i as u32));
        ctx.set_line_width(1.2);
        let mut last: Option<(f64, f64, bool)> = None;
        for &(at, m, idle) in pts {
            if let Some((la, lm, lidle)) = last {
                set_dash(&ctx, if lidle { 3.0 } else { 0.0 });
                ctx.begin_path();
                ctx.move_to(x(la).max(x0), y(lm));
                ctx.line_to(x(at).max(x0), y(lm));
                ctx.line_to(x(at).max(x0), y(m));
                ctx.stroke();
            }
            last = Some((at, m, idle));
        }
        if let Some((la, lm, idle)) = last {
            set_dash(&ctx, if idle { 3.0 } else { 0.0 });
            ctx.begin_path();
            ctx.move_to(x(la).max(x0), y(lm));
            ctx.line_to(x1, y(lm));
            ctx.stroke();
            ctx.set_fill_style_str(shard_color(i as u32));
            let short = id.trim_start_matches("shardId-").trim_start_matches('0');
            let _ = ctx.fill_text(
                &format!(
                    "shard {}{}",
                    if short.is_empty() { "0" } else { short },
                    if idle { " idle" } else { "" }
                ),
                x1 + 4.0,
                y(lm) + 4.0 + 11.0 * i as f64,
            );
        }
    }
    set_dash(&ctx, 0.0);
    // The combined watermark: bold.
    ctx.set_stroke_style_str(theme.accent);
    ctx.set_line_width(3.0);
    ctx.begin_path();
    let mut prev: Option<f64> = None;
    for &(at, m) in &data.combined {
        let xx = x(at).max(x0);
        match prev {
            None => ctx.move_to(xx, y(m)),
            Some(pm) => {
                ctx.line_to(xx, y(pm));
                ctx.line_to(xx, y(m));
            }
        }
        prev = Some(m);
    }
    if let Some(pm) = prev {
        ctx.line_to(x1, y(pm));
        ctx.stroke();
        ctx.set_fill_style_str(theme.accent);
        let _ = ctx.fill_text(&format!("WM {}", hms(pm)), x1 + 4.0, y(pm) - 4.0);
    }
    ctx.set_line_width(1.0);
    // Records.
    for d in &data.dots {
        let (xx, yy) = (x(d.at), y(d.event));
        if xx < x0 - 4.0 || yy < y0 - 4.0 || yy > y1 + 4.0 {
            continue;
        }
        if d.late {
            ctx.set_stroke_style_str("#e5484d");
            ctx.set_line_width(2.0);
            ctx.begin_path();
            ctx.move_to(xx - 5.0, yy - 5.0);
            ctx.line_to(xx + 5.0, yy + 5.0);
            ctx.move_to(xx + 5.0, yy - 5.0);
            ctx.line_to(xx - 5.0, yy + 5.0);
            ctx.stroke();
            ctx.set_line_width(1.0);
        } else {
            ctx.set_fill_style_str(&format!(
                "hsl({} 70% {}%)",
                key_hue(&d.key),
                theme.record_lightness
            ));
            ctx.begin_path();
            let _ = ctx.arc(xx, yy, 4.0, 0.0, std::f64::consts::TAU);
            ctx.fill();
        }
    }
    legend(&ctx, &theme, x0 + 8.0, y0 + 6.0);
}

/// Dashes of `d` px (0 = solid).
fn set_dash(ctx: &CanvasRenderingContext2d, d: f64) {
    let a = if d > 0.0 {
        js_sys::Array::of2(&d.into(), &d.into())
    } else {
        js_sys::Array::new()
    };
    let _ = ctx.set_line_dash(&a.into());
}

fn legend(ctx: &CanvasRenderingContext2d, theme: &CanvasTheme, lx: f64, ly: f64) {
    ctx.set_fill_style_str(theme.lane);
    ctx.fill_rect(lx, ly, 196.0, 92.0);
    ctx.set_stroke_style_str(theme.grid);
    ctx.stroke_rect(lx, ly, 196.0, 92.0);
    let items: [(&str, &str); 6] = [
        ("hsl(200 70% 55%)", "record (colour = key)"),
        ("#e5484d", "× late → side output"),
        (theme.accent, "watermark (all splits)"),
        ("#0072b2", "split watermark (dashed = idle)"),
        ("rgba(120,160,255,0.6)", "open window (glows on fire)"),
        ("#35c48b", "fired window, until it fired"),
    ];
    for (i, (c, t)) in items.iter().enumerate() {
        let yy = ly + 13.0 + i as f64 * 14.0;
        ctx.set_fill_style_str(c);
        ctx.fill_rect(lx + 6.0, yy - 7.0, 12.0, 8.0);
        ctx.set_fill_style_str(theme.text);
        let _ = ctx.fill_text(t, lx + 24.0, yy);
    }
}

/// Properties of [`EventTimePlot`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// What to draw.
    pub data: PlotHandle,
    /// The playground (for the clock).
    pub pg: Handle,
}

/// The canvas, redrawn every animation frame.
#[function_component(EventTimePlot)]
pub fn event_time_plot(props: &Props) -> Html {
    let canvas = use_node_ref();
    {
        let (canvas, data, pg) = (canvas.clone(), props.data.clone(), props.pg.clone());
        use_effect_with((), move |_| {
            let animation = AnimationLoop::start(move |_| {
                let now = match pg.0.try_borrow() {
                    Ok(p) => p.session.world().now() as f64,
                    Err(_) => return,
                };
                if let (Some(c), Ok(mut d)) =
                    (canvas.cast::<HtmlCanvasElement>(), data.0.try_borrow_mut())
                {
                    draw(&mut d, &c, now);
                }
            });
            move || drop(animation)
        });
    }
    html! {
        <div class="an-plot-wrap">
            <canvas ref={canvas} class="an-plot" data-testid="an-plot" style={format!("height:{H}px")}
                aria-label="Event time against processing time: records, windows and watermarks"></canvas>
        </div>
    }
}
