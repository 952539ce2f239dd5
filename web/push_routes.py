"""Push targets on the web: add, remove and re-test them on the manage page, confirm them by the test message's link.

A target is only ever added through the subscriber's own manage link (or with a new
subscription, ``web.flows``), and only from the allow-list (``alerts.push_services``). The
test message's link names the target and its random code; like every link here, a GET
shows a button and only the POST confirms, so a chat app's link preview changes nothing.
"""

from __future__ import annotations

import hmac

from fastapi import APIRouter, BackgroundTasks, HTTPException, Request
from fastapi.responses import HTMLResponse

from alerts.push_services import InvalidTarget, check_target_url, mask_url
from store.models import PushTarget, Subscriber
from store.push_queue import TooManyTargets, add_target, confirm_target, remove_target, retest_target
from web.forms import form_from_subscriber
from web.pages import PostedForm, manage_render, render, require_csrf, subscriber_by_token
from web.security import check_rate
from web.subscriptions import push_now

router = APIRouter(include_in_schema=False)


def _change(
    request: Request, session, subscriber: Subscriber, posted, background: BackgroundTasks
) -> tuple[str, dict]:
    """Apply one push action of the manage page; returns (message, errors)."""
    now = request.app.state.clock()
    if posted.get("remove"):
        removed = remove_target(session, subscriber.id, _int(posted.get("remove")))
        return ("已删除推送地址。" if removed else "", {})
    if posted.get("retest"):
        check_rate(request, subscriber.email)
        target = retest_target(session, subscriber.id, _int(posted.get("retest")), now)
        if target is None:
            return "", {}
        background.add_task(push_now, request.app.state.sessions, request.app.state.config)
        return "已重新发送测试消息。", {}
    url = str(posted.get("push_url") or "").strip()
    try:
        scheme = check_target_url(url)
        check_rate(request, subscriber.email)
        target = add_target(session, subscriber, service=scheme, url=url, now=now)
    except (InvalidTarget, TooManyTargets) as exc:
        return "", {"push_url": str(exc)}
    background.add_task(push_now, request.app.state.sessions, request.app.state.config)
    return "已发送测试消息：请打开消息中的链接确认，确认后才会推送提醒。", {}


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise HTTPException(400) from None


@router.post("/manage/{token}/push", response_class=HTMLResponse)
def manage_push(
    request: Request, token: str, posted: PostedForm, background: BackgroundTasks
) -> HTMLResponse:
    with request.app.state.sessions.begin() as session:
        subscriber = subscriber_by_token(request, session, token, "manage")
        require_csrf(request, posted)
        message, errors = _change(request, session, subscriber, posted, background)
        session.flush()
        return manage_render(
            request,
            subscriber,
            form_from_subscriber(subscriber),
            errors=errors,
            push_message=message,
            status_code=422 if errors else 200,
            action=request.url.path.removesuffix("/push"),
        )


def _target(session, target_id: int, code: str) -> PushTarget:
    target = session.get(PushTarget, target_id)
    if target is None or not hmac.compare_digest(target.confirm_code.encode(), code.encode()):
        raise HTTPException(404)
    return target


@router.get("/push/confirm/{target_id}/{code}", response_class=HTMLResponse)
def push_confirm_page(request: Request, target_id: int, code: str) -> HTMLResponse:
    with request.app.state.sessions() as session:
        target = _target(session, target_id, code)
        return render(
            request,
            "push_confirm.html",
            {
                "label": mask_url(target.url),
                "done": False,
                "confirmed": target.status == "confirmed",
                "action": request.url.path,
            },
        )


@router.post("/push/confirm/{target_id}/{code}", response_class=HTMLResponse)
def push_confirm(request: Request, target_id: int, code: str, posted: PostedForm) -> HTMLResponse:
    with request.app.state.sessions.begin() as session:
        require_csrf(request, posted)
        target = confirm_target(session, target_id, code, request.app.state.clock())
        if target is None:
            raise HTTPException(404)
        return render(
            request,
            "push_confirm.html",
            {"label": mask_url(target.url), "done": True, "confirmed": True, "action": request.url.path},
        )
