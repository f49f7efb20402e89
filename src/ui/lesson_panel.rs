//! The lesson being worked on: explanation, goals with their last verdicts, a prediction box,
//! hints then the solution, "Check my run" (the learner's calls on the lesson's seed and its
//! hidden seeds) with the completion code, and a link that reproduces the run.

use serde_json::json;
use yew::prelude::*;

use crate::engine::lesson::check::check;
use crate::engine::lesson::completion;
use crate::engine::lesson::permalink;
use crate::ui::lesson_state::{self, Progress, Solved};
use crate::ui::markdown;
use crate::ui::playground::{Handle, Playground};

/// Properties of [`LessonPanel`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The playground.
    pub pg: Handle,
    /// Re-render counter.
    pub version: u64,
    /// Called after a change.
    pub on_change: Callback<()>,
}

/// Runs the check and, when it passes, stores the completion code in the progress.
fn run_check(pg: &Handle) {
    let mut p = pg.0.borrow_mut();
    let learner = p.learner_log().to_vec();
    let Some(active) = p.lesson.as_mut() else {
        return;
    };
    let report = check(&active.lesson, &learner);
    if report.passed() {
        let code = completion::issue(&active.lesson.id, &learner);
        let mut progress = lesson_state::load_progress()
            .ok()
            .flatten()
            .unwrap_or(Progress {
                version: 1,
                ..Progress::default()
            });
        progress.solved.insert(
            active.lesson.id.clone(),
            Solved {
                code: code.clone(),
                actions: learner,
            },
        );
        lesson_state::save_progress(&progress);
        active.code = Some(code);
    } else {
        active.code = None;
    }
    active.report = Some(report);
}

/// The panel.
#[function_component(LessonPanel)]
pub fn lesson_panel(props: &Props) -> Html {
    let prediction = use_node_ref();
    let status = use_state(String::new);
    let p = props.pg.0.borrow();
    let Some(active) = p.lesson.as_ref() else {
        return html! {};
    };
    let lesson = active.lesson.clone();
    let report = active.report.clone();
    let code = active.code.clone();
    let hints_shown = active.hints_shown;
    let solution_shown = active.solution_shown;
    let now = p.session.world().now();
    let learner_calls = p.learner_log().len();
    drop(p);

    let prediction_question = lesson
        .goals
        .iter()
        .find_map(|g| g.prediction.as_ref().map(|p| p.question.clone()));
    let cb = |f: fn(&Handle)| {
        let (pg, on_change) = (props.pg.clone(), props.on_change.clone());
        Callback::from(move |_: MouseEvent| {
            f(&pg);
            on_change.emit(());
        })
    };
    let on_check = cb(run_check);
    let on_hint = cb(|pg| {
        if let Some(a) = pg.0.borrow_mut().lesson.as_mut() {
            a.hints_shown = (a.hints_shown + 1).min(a.lesson.hints.len());
        }
    });
    let on_solution = cb(|pg| {
        if let Some(a) = pg.0.borrow_mut().lesson.as_mut() {
            a.solution_shown = !a.solution_shown;
        }
    });
    let on_run_solution = cb(|pg| {
        let (lesson, dark) = {
            let p = pg.0.borrow();
            (p.lesson.as_ref().map(|a| a.lesson.clone()), p.dark)
        };
        if let Some(lesson) = lesson {
            let solution = lesson.solution.clone();
            let mut fresh = Playground::for_lesson(lesson, dark);
            for c in solution {
                let _ = fresh.session.apply(c);
            }
            *pg.0.borrow_mut() = fresh;
        }
    });
    let on_restart = cb(|pg| {
        let (lesson, dark) = {
            let p = pg.0.borrow();
            (p.lesson.as_ref().map(|a| a.lesson.clone()), p.dark)
        };
        if let Some(lesson) = lesson {
            *pg.0.borrow_mut() = Playground::for_lesson(lesson, dark);
        }
    });
    let on_predict = {
        let (pg, on_change, prediction, question, status) = (
            props.pg.clone(),
            props.on_change.clone(),
            prediction.clone(),
            prediction_question.clone(),
            status.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let Some(q) = question.clone() else { return };
            let answer = prediction
                .cast::<web_sys::HtmlInputElement>()
                .map(|i| i.value().trim().to_string())
                .unwrap_or_default();
            let out = pg.0.borrow_mut().call(
                "playground",
                "RecordPrediction",
                json!({ "Question": q, "Answer": answer }),
            );
            status.set(match out {
                Ok(_) => format!("prediction recorded: {answer}"),
                Err(e) => format!("{}: {}", e.kind.as_str(), e.message),
            });
            on_change.emit(());
        })
    };
    let on_share = {
        let (pg, status) = (props.pg.clone(), status.clone());
        Callback::from(move |_: MouseEvent| {
            let fragment = permalink::encode(&pg.0.borrow().permalink());
            lesson_state::set_fragment(&fragment);
            if let Some(w) = web_sys::window() {
                let href = w.location().href().unwrap_or_default();
                let _ = w.navigator().clipboard().write_text(&href);
            }
            status.set(format!(
                "link copied ({} characters): it reproduces this run",
                fragment.len() + 1
            ));
        })
    };

    let verdicts = report.as_ref().map(|r| r.seeds[0].goals.clone());
    let goal_items = lesson.goals.iter().enumerate().map(|(i, g)| {
        let v = verdicts.as_ref().and_then(|v| v.iter().find(|r| r.text == g.text).cloned());
        let (mark, class, detail) = match &v {
            Some(r) if r.verdict.passed => ("✓", "pass", r.verdict.detail.clone()),
            Some(r) => ("✗", "fail", r.verdict.detail.clone()),
            None => ("○", "todo", format!("judged at t = {:.0} s", lesson.goal_time(g) as f64 / 1000.0)),
        };
        html! {
            <li class={classes!("goal", class)} data-testid="lesson-goal" data-state={class} data-index={i.to_string()}>
                <span class="goal-mark" aria-hidden="true">{ mark }</span>
                <span>{ g.text.clone() }</span>
                <span class="muted goal-detail">{ detail }</span>
            </li>
        }
    });
    let hidden_summary = report.as_ref().map(|r| {
        let hidden: Vec<_> = r.seeds.iter().filter(|s| s.hidden).collect();
        let passed = hidden.iter().filter(|s| s.passed()).count();
        format!("hidden seeds: {passed} of {} passed", hidden.len())
    });
    html! {
        <section class="panel lesson" aria-labelledby="lesson-title" data-testid="lesson-panel" data-lesson={lesson.id.clone()}>
            <div class="lesson-head">
                <h2 id="lesson-title">{ format!("Lesson · {}", lesson.title) }</h2>
                <span class="muted">{ format!("t = {:.1} s · {learner_calls} of your calls", now as f64 / 1000.0) }</span>
            </div>
            <p class="concept">{ lesson.concept.clone() }</p>
            { markdown::render(&lesson.explanation) }
            <h3>{ "Goals" }</h3>
            <ol class="goals">{ for goal_items }</ol>
            if let Some(q) = prediction_question.clone() {
                <div class="predict" data-testid="lesson-predict-box">
                    <label for="lesson-predict-input">{ format!("Your prediction ({q}): ") }</label>
                    <input id="lesson-predict-input" type="text" ref={prediction.clone()}
                        placeholder="shardId-000000000000" data-testid="lesson-predict-input" />
                    <button class="btn small" onclick={on_predict} data-testid="lesson-predict">{ "Record prediction" }</button>
                </div>
            }
            <div class="lesson-actions">
                <button class="btn primary" onclick={on_check} data-testid="lesson-check">{ "Check my run" }</button>
                <button class="btn small" onclick={on_hint} disabled={hints_shown >= lesson.hints.len()} data-testid="lesson-hint">
                    { format!("Hint ({hints_shown}/{})", lesson.hints.len()) }</button>
                <button class="btn small" onclick={on_solution} data-testid="lesson-solution">
                    { if solution_shown { "Hide solution" } else { "Show solution" } }</button>
                <button class="btn small" onclick={on_restart} data-testid="lesson-restart">{ "Start over" }</button>
                <button class="btn small" onclick={on_share} data-testid="lesson-share">{ "Copy link" }</button>
                <span class="muted" role="status" data-testid="lesson-status">{ (*status).clone() }</span>
            </div>
            if hints_shown > 0 {
                <ol class="hints" data-testid="lesson-hints">
                    { for lesson.hints.iter().take(hints_shown).map(|h| html! { <li>{ markdown::render(h) }</li> }) }
                </ol>
            }
            if solution_shown {
                <div class="solution">
                    <pre data-testid="lesson-solution-text">{ lesson.solution.iter().map(|c| serde_json::to_string(c).unwrap_or_default()).collect::<Vec<_>>().join("\n") }</pre>
                    <button class="btn small" onclick={on_run_solution} data-testid="lesson-run-solution">{ "Run the solution from the start" }</button>
                </div>
            }
            if let Some(r) = &report {
                <p class={classes!("verdict", if r.passed() { "pass" } else { "fail" })} data-testid="lesson-verdict"
                    data-passed={r.passed().to_string()}>
                    { if r.passed() { "Passed on your seed and every hidden seed." } else if r.seeds[0].passed() { "Your run passes, but not on every hidden seed: make it robust." } else { "Not yet: see the goals marked ✗." } }
                    { " " }<span class="muted">{ hidden_summary.unwrap_or_default() }</span>
                </p>
                { for r.seeds[0].refused.iter().map(|(i, e)| html! { <p class="hint">{ format!("Your call {} was refused: {e}", i + 1) }</p> }) }
            }
            if let Some(c) = code {
                <p class="code-line-out">{ "Completion code: " }<code data-testid="lesson-code">{ c }</code>
                    <span class="muted">{ " — a teacher checks it with " }<code>{ "kinesis-playground verify CODE" }</code></span></p>
            }
        </section>
    }
}
