"""The HTML pages: home, subscribe, confirm, manage and unsubscribe, in Chinese, without JavaScript.

Link scanners open every URL in a mail, so a GET here never changes anything: the
confirm and unsubscribe links show a page with a button, and the button's POST acts.
Every form but the RFC 8058 one-click unsubscribe carries a CSRF token.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session, object_session
from starlette.datastructures import FormData

from alerts.push_services import SERVICES
from core.config import WebSettings
from core.places import MAX_REGIONS
from core.vocab import NoticeKind, SubscriberStatus, Topic
from core.wording import span_label
from feeds import discovery_links
from store.models import Subscriber
from store.notices import list_notices, notice_summary
from store.subscribers import (
    InvalidSubscription,
    activate,
    remove_subscriber,
    replace_preferences,
    subscriber_export,
    unsubscribe,
)
from web.forms import (
    PROVINCE_CHOICES,
    QUALIFICATIONS_BY_LEVEL,
    SubscriptionForm,
    exam_session_choices,
    form_from_subscriber,
    obtained_years,
    parse_form,
    with_extra_row,
)
from web.security import CSRF_COOKIE, CSRF_FIELD, check_rate, csrf_ok, csrf_token, new_csrf_cookie
from web.subscriptions import (
    link,
    local_today,
    private_feed_links,
    request_subscription,
    send_now,
    subscriber_for_token,
    target_rows,
)

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.filters["span"] = span_label

TOKEN_PREFIXES = ("/confirm/", "/manage/", "/unsubscribe/")
LATEST_NOTICES = 10


def render(
    request: Request,
    name: str,
    context: dict,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """A page; sets the CSRF cookie when the visitor has none, so its forms can be posted."""
    state = request.app.state
    cookie = request.cookies.get(CSRF_COOKIE)
    fresh = cookie is None
    if fresh:
        cookie = new_csrf_cookie()
    today = local_today(state.clock())
    response = templates.TemplateResponse(
        request,
        name,
        {
            "csrf_field": CSRF_FIELD,
            "csrf": lambda action: csrf_token(state.config.secret, cookie, action),
            "feeds": discovery_links(state.config.base_url),
            "provinces": PROVINCE_CHOICES,
            "max_regions": MAX_REGIONS,
            "qualifications": QUALIFICATIONS_BY_LEVEL,
            "years": obtained_years(today),
            "exam_sessions": lambda chosen: exam_session_choices(today, chosen),
            "topics": list(Topic),
            "operator": operator_details(state.config),
            "errors": {},
            **context,
        },
        status_code=status_code,
        headers=headers,
    )
    if fresh:
        response.set_cookie(
            CSRF_COOKIE,
            cookie,
            httponly=True,
            samesite="lax",
            secure=state.config.base_url.startswith("https://"),
        )
    return response


def operator_details(config: WebSettings) -> dict[str, str]:
    """Who runs this instance and how to reach them, for every page's footer and the privacy page."""
    if config.contact_email:
        contact_href, contact = f"mailto:{config.contact_email}", config.contact_email
    else:
        contact_href = contact = config.contact_url
    return {
        "name": config.operator_name or "本站运营者（未在配置中填写名称）",
        "contact": contact,
        "contact_href": contact_href,
        "privacy_href": config.privacy_url or "/privacy",
    }


def message_page(
    request: Request,
    message: str,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
    title: str = "",
) -> HTMLResponse:
    """A page that only says something: an error, or that a deletion is done."""
    return render(
        request,
        "message.html",
        {"title": title or message, "message": message},
        status_code=status_code,
        headers=headers,
    )


async def posted_form(request: Request) -> FormData:
    """The posted form, read before the (synchronous) handler runs in the thread pool."""
    return await request.form(max_files=0, max_fields=200)


PostedForm = Annotated[FormData, Depends(posted_form)]


def require_csrf(request: Request, form: FormData) -> None:
    given = form.get(CSRF_FIELD)
    ok = csrf_ok(
        request.app.state.config.secret,
        request.cookies.get(CSRF_COOKIE),
        request.url.path,
        given if isinstance(given, str) else None,
    )
    if not ok:
        raise HTTPException(403, detail="表单已失效：请返回上一页刷新后重新提交（需要允许 Cookie）")


def subscriber_by_token(request: Request, session: Session, token: str, purpose: str) -> Subscriber:
    subscriber = subscriber_for_token(
        session, token, purpose, config=request.app.state.config, now=request.app.state.clock()
    )
    if subscriber is None:
        raise HTTPException(404)
    return subscriber


@router.get("/", response_class=HTMLResponse)
def index(request: Request) -> HTMLResponse:
    with request.app.state.sessions() as session:
        notices = [notice_summary(n) for n in list_notices(session, limit=LATEST_NOTICES)]
    return render(
        request,
        "index.html",
        {"notices": notices, "kinds": NoticeKind, "form": SubscriptionForm(), "errors": {}},
    )


@router.get("/subscribe", response_class=HTMLResponse)
def subscribe_page(request: Request) -> HTMLResponse:
    return render(request, "subscribe.html", {"form": SubscriptionForm(), "errors": {}})


@router.post("/subscribe", response_class=HTMLResponse)
def subscribe(request: Request, background: BackgroundTasks, posted: PostedForm) -> HTMLResponse:
    require_csrf(request, posted)
    form = parse_form(posted)
    if with_extra_row(form, posted):
        return render(request, "subscribe.html", {"form": form, "errors": {}})
    state = request.app.state
    now = state.clock()
    try:
        data = form.validated(local_today(now))
    except InvalidSubscription as exc:
        return render(request, "subscribe.html", {"form": form, "errors": exc.problems}, status_code=422)
    check_rate(request, data.email)
    if not form.honeypot:  # a bot filled in the hidden field: answer as usual, do nothing
        with state.sessions.begin() as session:
            mail_id = request_subscription(session, data, config=state.config, now=now)
        if mail_id is not None:
            background.add_task(send_now, state.sessions, state.config, mail_id)
    return render(request, "subscribe_sent.html", {"email": data.email})


@router.get("/confirm/{token}", response_class=HTMLResponse)
def confirm_page(request: Request, token: str) -> HTMLResponse:
    with request.app.state.sessions() as session:
        subscriber = subscriber_by_token(request, session, token, "confirm")
        return _confirm_render(request, subscriber, done=False)


@router.post("/confirm/{token}", response_class=HTMLResponse)
def confirm(request: Request, token: str, posted: PostedForm) -> HTMLResponse:
    state = request.app.state
    with state.sessions.begin() as session:
        subscriber = subscriber_by_token(request, session, token, "confirm")
        require_csrf(request, posted)
        done = activate(session, subscriber, state.clock())
    return _confirm_render(request, subscriber, done=done)


def _confirm_render(request: Request, subscriber: Subscriber, *, done: bool) -> HTMLResponse:
    state = request.app.state
    manage = link(subscriber, "manage", config=state.config, now=state.clock())
    return render(
        request,
        "confirm.html",
        {"subscriber": subscriber, "done": done, "manage_url": manage, "action": request.url.path},
    )


@router.get("/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe_page(request: Request, token: str) -> HTMLResponse:
    with request.app.state.sessions() as session:
        subscriber = subscriber_by_token(request, session, token, "unsubscribe")
        return render(
            request, "unsubscribe.html", {"subscriber": subscriber, "done": False, "action": request.url.path}
        )


@router.post("/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe_now(request: Request, token: str) -> HTMLResponse:
    """RFC 8058 one-click (``List-Unsubscribe=One-Click``) and the page's button alike: no cookie, no CSRF token."""
    state = request.app.state
    with state.sessions.begin() as session:
        subscriber = subscriber_by_token(request, session, token, "unsubscribe")
        unsubscribe(subscriber, state.clock())
    return render(
        request, "unsubscribe.html", {"subscriber": subscriber, "done": True, "action": request.url.path}
    )


@router.get("/manage/{token}", response_class=HTMLResponse)
def manage_page(request: Request, token: str) -> HTMLResponse:
    with request.app.state.sessions() as session:
        subscriber = subscriber_by_token(request, session, token, "manage")
        return manage_render(request, subscriber, form_from_subscriber(subscriber))


@router.post("/manage/{token}", response_class=HTMLResponse)
def manage(request: Request, token: str, posted: PostedForm) -> HTMLResponse:
    state = request.app.state
    with state.sessions.begin() as session:
        subscriber = subscriber_by_token(request, session, token, "manage")
        require_csrf(request, posted)
        form = parse_form(posted)
        form.email = subscriber.email
        if with_extra_row(form, posted):
            return manage_render(request, subscriber, form)
        try:
            data = form.validated(local_today(state.clock()))
        except InvalidSubscription as exc:
            return manage_render(request, subscriber, form, errors=exc.problems, status_code=422)
        replace_preferences(session, subscriber, data)
        return manage_render(request, subscriber, form_from_subscriber(subscriber), saved=True)


def manage_render(
    request: Request,
    subscriber: Subscriber,
    form: SubscriptionForm,
    *,
    errors: Mapping[str, str] | None = None,
    saved: bool = False,
    status_code: int = 200,
    push_message: str = "",
    action: str | None = None,
) -> HTMLResponse:
    """The manage page; ``action`` is its own path (when rendered for a post to one of its sub-paths)."""
    state = request.app.state
    now = state.clock()
    return render(
        request,
        "manage.html",
        {
            "subscriber": subscriber,
            "status_label": SubscriberStatus(subscriber.status).label,
            "form": form,
            "errors": dict(errors or {}),
            "saved": saved,
            "action": action or request.url.path,
            "push_targets": target_rows(object_session(subscriber), subscriber.id),
            "push_services": SERVICES,
            "push_message": push_message,
            "private": private_feed_links(subscriber, config=state.config),
            "unsubscribe_url": link(subscriber, "unsubscribe", config=state.config, now=now),
        },
        status_code=status_code,
    )


@router.get("/manage/{token}/export")
def export(request: Request, token: str) -> Response:
    """Everything stored about me, as a JSON download."""
    with request.app.state.sessions() as session:
        subscriber = subscriber_by_token(request, session, token, "manage")
        data = {**subscriber_export(subscriber), "push_targets": target_rows(session, subscriber.id)}
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="ruankao-watch-my-data.json"'},
    )


@router.post("/manage/{token}/delete", response_class=HTMLResponse)
def delete(request: Request, token: str, posted: PostedForm) -> HTMLResponse:
    """Two steps: the manage page's button asks "are you sure?", and only that page's button deletes."""
    with request.app.state.sessions.begin() as session:
        subscriber = subscriber_by_token(request, session, token, "manage")
        require_csrf(request, posted)
        if posted.get("confirm") != "yes":
            manage = request.url.path.removesuffix("/delete")
            return render(
                request,
                "delete.html",
                {"subscriber": subscriber, "action": request.url.path, "manage_url": manage},
            )
        remove_subscriber(session, subscriber.email)
    return message_page(request, "您的订阅和全部数据已删除。", title="已删除")


@router.get("/privacy", response_class=HTMLResponse)
def privacy(request: Request) -> HTMLResponse:
    """What is stored about a subscriber, why, for how long, and how to export and delete it."""
    return render(request, "privacy.html", {})
