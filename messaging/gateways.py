"""SMS gateways. ``settings.SMS_GATEWAY`` picks one:

- ``console`` (default): the message is written to the ``messaging.sms`` log with the number masked; nothing
  leaves the machine (the demo, a county still trying the platform).
- ``aliyun``: Alibaba Cloud SMS (阿里云短信服务) through its official SDK ``alibabacloud_dysmsapi20170525``.
- ``tencent``: Tencent Cloud SMS (腾讯云短信) through its official SDK ``tencentcloud-sdk-python-sms``.
- ``loopback``: a JSON POST to ``settings.SMS_LOOPBACK_URL`` on this machine (the tests run a small server there
  that records what it gets and can be told to fail).

Both clouds send a template approved beforehand (``settings.SMS_TEMPLATES``: message kind → template code) with
the values of its slots, under the county's approved signature (``SMS_SIGN_NAME``). A gateway raises
``GatewayError`` when the message was not accepted; the sender then retries it later.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from core.masking import mask_phone

log = logging.getLogger("messaging.sms")


class GatewayError(Exception):
    """The gateway did not accept the message (the text says why, for the delivery log)."""


@dataclass(frozen=True)
class Sms:
    phone: str
    kind: str
    text: str  # the whole message, as the console gateway writes it
    params: dict  # the template's slots, as the clouds want them


class Gateway:
    name = ""

    def send(self, sms: Sms) -> str:
        """Send one SMS; return the gateway's receipt (its message id) or raise GatewayError."""
        raise NotImplementedError

    def template(self, kind: str) -> str:
        code = settings.SMS_TEMPLATES.get(kind, "")
        if not code:
            raise GatewayError(f"no template code for {kind} in SMS_TEMPLATES")
        return code


class ConsoleGateway(Gateway):
    name = "console"

    def send(self, sms: Sms) -> str:
        log.info("SMS to %s [%s]: %s", mask_phone(sms.phone), sms.kind, sms.text)
        return "console"


class LoopbackGateway(Gateway):
    name = "loopback"

    def send(self, sms: Sms) -> str:
        body = json.dumps({"phone": sms.phone, "kind": sms.kind, "text": sms.text, "params": sms.params}).encode()
        request = urllib.request.Request(
            settings.SMS_LOOPBACK_URL, data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - a URL from the settings
                return json.loads(response.read() or b"{}").get("id", "")
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise GatewayError(str(exc)[:200]) from exc


class AliyunGateway(Gateway):
    name = "aliyun"

    def __init__(self):
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi import utils_models

        config = utils_models.Config(
            access_key_id=settings.SMS_ACCESS_KEY_ID,
            access_key_secret=settings.SMS_ACCESS_KEY_SECRET,
            endpoint=settings.SMS_ENDPOINT,
        )
        self.client = Client(config)

    def send(self, sms: Sms) -> str:
        from alibabacloud_dysmsapi20170525 import models

        request = models.SendSmsRequest(
            phone_numbers=sms.phone,
            sign_name=settings.SMS_SIGN_NAME,
            template_code=self.template(sms.kind),
            template_param=json.dumps(sms.params, ensure_ascii=False),
        )
        try:
            body = self.client.send_sms(request).body
        except Exception as exc:  # the SDK raises its own errors for the network and the service
            raise GatewayError(str(exc)[:200]) from exc
        if (body.code or "").upper() != "OK":
            raise GatewayError(f"{body.code}: {body.message}"[:200])
        return body.biz_id or ""


class TencentGateway(Gateway):
    name = "tencent"

    def __init__(self):
        from tencentcloud.common import credential
        from tencentcloud.sms.v20210111 import sms_client

        cred = credential.Credential(settings.SMS_ACCESS_KEY_ID, settings.SMS_ACCESS_KEY_SECRET)
        self.client = sms_client.SmsClient(cred, settings.SMS_REGION)

    def send(self, sms: Sms) -> str:
        from tencentcloud.sms.v20210111 import models

        request = models.SendSmsRequest()
        request.SmsSdkAppId = settings.SMS_APP_ID
        request.SignName = settings.SMS_SIGN_NAME
        request.TemplateId = self.template(sms.kind)
        request.TemplateParamSet = [str(v) for v in sms.params.values()]  # the template's slots, in order
        request.PhoneNumberSet = [sms.phone if sms.phone.startswith("+") else "+86" + sms.phone]
        try:
            response = self.client.SendSms(request)
        except Exception as exc:  # TencentCloudSDKException and the network's
            raise GatewayError(str(exc)[:200]) from exc
        status = (response.SendStatusSet or [None])[0]
        if status is None or status.Code != "Ok":
            raise GatewayError(f"{getattr(status, 'Code', '')}: {getattr(status, 'Message', '')}"[:200])
        return status.SerialNo or ""


GATEWAYS = {g.name: g for g in (ConsoleGateway, LoopbackGateway, AliyunGateway, TencentGateway)}
_gateway: tuple[str, Gateway] | None = None


def gateway() -> Gateway:
    """The configured gateway (made once per process and setting)."""
    global _gateway
    name = settings.SMS_GATEWAY
    if _gateway is None or _gateway[0] != name:
        if name not in GATEWAYS:
            raise ImproperlyConfigured(f"SMS_GATEWAY={name!r}: use one of {', '.join(GATEWAYS)}")
        if name in ("aliyun", "tencent") and not (settings.SMS_ACCESS_KEY_ID and settings.SMS_ACCESS_KEY_SECRET):
            raise ImproperlyConfigured(f"SMS_GATEWAY={name}: set SMS_ACCESS_KEY_ID and SMS_ACCESS_KEY_SECRET")
        _gateway = (name, GATEWAYS[name]())
    return _gateway[1]
