"""The JSON API: ``POST /api/subscriptions`` and ``/healthz``, with errors as ``{"detail": "…"}`` in Chinese.

The answer to a subscription never says whether the address was known, and nothing a
caller sends can set a status: the only way to ``active`` is the link in the mail.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from alerts.push_services import InvalidTarget, check_target_url
from core.places import MAX_REGIONS
from core.qualifications import LEVELS, QUALIFICATIONS
from core.vocab import Topic
from store.push_queue import MAX_TARGETS
from store.subscribers import CertificateData, InvalidSubscription, SubscriberData
from web.forms import MAX_CERTIFICATES, MAX_EXAM_SESSIONS
from web.security import check_rate
from web.subscriptions import local_today, push_now, request_subscription, send_now

router = APIRouter()

ACCEPTED_MESSAGE = "如果该地址可以订阅，我们已发送确认邮件；请点击邮件中的链接完成订阅。"
TopicValue = Literal[Topic.values()]  # type: ignore[valid-type]


def _iso_day(value: object) -> object:
    """``"2024-03-05"``, as JSON carries a date, read as one; anything else is left to strict validation."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value  # refused below with the schema's message
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_day)]
# Checked by SubscriberData.validated (a recent exam), which says in Chinese what is wrong.
ExamSession = Annotated[str, Field(max_length=16, json_schema_extra={"pattern": "^[0-9]{4}(上半年|下半年)$"})]


class CertificateIn(BaseModel):
    # Strict: what the schema says, nothing more (no 0 read as 1970-01-01, no "3" as 3).
    model_config = ConfigDict(
        strict=True,
        json_schema_extra={
            "examples": [{"qualification": "信息系统项目管理师", "level": "高级", "obtained": "2021下半年"}]
        },
    )

    # The enum and pattern document what SubscriberData.validated accepts; it checks them
    # itself and says in Chinese what is wrong, which a schema error could not.
    qualification: str = Field(
        max_length=64,
        description="资格名称，须为官方资格列表中的一项，如 信息系统项目管理师",
        json_schema_extra={"enum": list(QUALIFICATIONS)},
    )
    level: str = Field(
        "",
        max_length=8,
        description="初级、中级或高级；留空则按资格判断",
        json_schema_extra={"enum": ["", *LEVELS]},
    )
    obtained: str = Field(
        max_length=16,
        description="取得时间：2021、2021上半年 或 2021下半年；不能晚于已举行的最近一次考试",
        json_schema_extra={"pattern": "^[0-9]{4}(上半年|下半年)?$"},
    )
    last_registered: IsoDate | None = Field(None, description="最近一次证书登记的日期（可选），如 2024-03-05")


class SubscriptionIn(BaseModel):
    """A request to subscribe; unknown fields (``status`` among them) are ignored."""

    model_config = ConfigDict(strict=True)

    email: str = Field(max_length=320, description="邮箱地址", json_schema_extra={"format": "email"})
    region: str = Field(
        "", max_length=64, description="所在地区，如 天津市红桥区；留空则只接收全国通知。多个地区请用 regions"
    )
    regions: list[Annotated[str, Field(max_length=64)]] | None = Field(
        None,
        max_length=MAX_REGIONS,
        description=f'所在地区（可多个，最多 {MAX_REGIONS} 个），如 ["天津市红桥区", "北京市"]；'
        "任一地区的通知都会发送；不能与 region 同时填写",
    )
    certificates: list[CertificateIn] = Field(
        default_factory=list, max_length=MAX_CERTIFICATES, description="持有的证书；备考人员可为空"
    )
    alerts: list[TopicValue] | None = Field(None, min_length=1, description="要接收的提醒；省略则全部接收")
    exam_sessions: list[ExamSession] = Field(
        default_factory=list,
        max_length=MAX_EXAM_SESSIONS,
        description="备考人员关注的考试，如 2026上半年；只接收这些考试的报名和成绩通知，留空则接收每次考试的",
    )
    digest: bool = Field(True, description="true：汇总发送；false：每条通知即时发送")
    reminder_days: int = Field(3, ge=0, le=60, description="截止日期前几天提醒")
    push: list[Annotated[str, Field(max_length=1000)]] = Field(
        default_factory=list,
        max_length=MAX_TARGETS,
        description="推送地址（可选），只限企业微信、钉钉、飞书/Lark 群机器人、Server酱、PushPlus、Bark、Telegram、ntfy"
        " 的官方服务，如 wecombot://机器人key；每个地址会先收到一条测试消息，点击其中的链接确认后才会推送",
    )


class Accepted(BaseModel):
    status: Literal["accepted"] = "accepted"
    message: str = ACCEPTED_MESSAGE


class Problem(BaseModel):
    detail: str


def require_json(request: Request) -> None:
    """Only ``application/json``: a cross-site HTML form cannot send it without the browser asking us first."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":
        raise HTTPException(415, detail="请以 application/json 格式提交")


@router.post(
    "/api/subscriptions",
    status_code=202,
    response_model=Accepted,
    dependencies=[Depends(require_json)],
    responses={code: {"model": Problem} for code in (400, 413, 415, 422, 429)},
    summary="订阅提醒（需通过邮件确认）",
)
def subscribe(body: SubscriptionIn, request: Request, background: BackgroundTasks) -> Accepted:
    state = request.app.state
    now = state.clock()
    try:
        data = SubscriberData(
            email=body.email,
            regions=_regions(body),
            certificates=tuple(
                CertificateData(c.qualification, c.level, c.obtained, c.last_registered)
                for c in body.certificates
            ),
            alert_kinds=tuple(body.alerts or ()),
            reminder_days=body.reminder_days,
            digest=body.digest,
            exam_sessions=tuple(body.exam_sessions),
        ).validated(local_today(now))
    except InvalidSubscription as exc:
        raise HTTPException(422, detail=str(exc)) from None
    for n, url in enumerate(body.push):
        try:
            check_target_url(url)
        except InvalidTarget as exc:
            raise HTTPException(422, detail=f"push.{n}：{exc}") from None
    check_rate(request, data.email)
    push = tuple(url.strip() for url in body.push)
    with state.sessions.begin() as session:
        mail_id = request_subscription(session, data, config=state.config, now=now, push=push)
    if mail_id is not None:
        background.add_task(send_now, state.sessions, state.config, mail_id)
    if push:
        background.add_task(push_now, state.sessions, state.config)
    return Accepted()


def _regions(body: SubscriptionIn) -> tuple[str, ...]:
    """``regions``, or the one ``region`` of clients written before several regions; never both."""
    if body.regions is None:
        return (body.region,) if body.region.strip() else ()
    if body.region.strip():
        raise InvalidSubscription(
            "region 与 regions 不能同时填写：多个地区请都写在 regions 中", field="region"
        )
    return tuple(body.regions)


@router.get("/healthz", summary="健康检查", responses={503: {"model": Problem}})
def healthz(request: Request) -> dict[str, str]:
    """``ok`` when the database answers: what a load balancer or uptime check polls."""
    try:
        with request.app.state.sessions() as session:
            session.connection()
    except Exception:
        raise HTTPException(503, detail="数据库不可用") from None
    return {"status": "ok"}


def wants_json(request: Request) -> bool:
    """Errors on the API (and on anything asking for JSON) are JSON; people get pages."""
    path = request.url.path
    return (
        path.startswith("/api/")
        or path in ("/healthz", "/openapi.json")
        or (
            "application/json" in request.headers.get("accept", "")
            and "text/html" not in request.headers.get("accept", "")
        )
    )


_FIELD_ERRORS = {
    "missing": "缺少该字段",
    "string_type": "应为字符串",
    "string_too_long": "过长",
    "too_short": "至少需要一项",
    "too_long": "项目过多",
    "list_type": "应为数组",
    "model_type": "应为对象",
    "dict_type": "应为对象",
    "literal_error": "不是允许的值",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_inexact": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "date_type": "日期格式应为 YYYY-MM-DD",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "greater_than_equal": "过小",
    "less_than_equal": "过大",
}


async def validation_error(request: Request, exc: RequestValidationError) -> Response:
    """400 for a body that is not JSON, 422 naming each bad field otherwise."""
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors) or not errors:
        return JSONResponse({"detail": "请求体不是有效的 JSON"}, status_code=400)
    items = []
    for e in errors:
        loc = ".".join(str(p) for p in e.get("loc", ()) if p != "body") or "请求体"
        message = _FIELD_ERRORS.get(e.get("type", ""), "格式不正确")
        if e.get("type") == "too_long" and "max_length" in e.get("ctx", {}):
            message += f"（最多 {e['ctx']['max_length']} 项）"
        items.append({"field": loc, "message": message})
    detail = "请求字段有误：" + "；".join(f"{i['field']}：{i['message']}" for i in items[:10])
    return JSONResponse({"detail": detail, "errors": items[:50]}, status_code=422)
