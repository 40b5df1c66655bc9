#!/usr/bin/env bash
# Install everything and start the platform with demo data on SQLite at http://127.0.0.1:8000 (debug mode: the
# demo asks for it with DJANGO_DEBUG=1; without it the platform runs as production, see docs/deploy.md).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
export DJANGO_DEBUG=1
step() { printf '\n== [%s] %s\n' "$(date +%H:%M:%S)" "$*"; }

# PDFs (the mediation agreement and case file) are drawn by WeasyPrint with Pango and need a Chinese font
need_apt=()
ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0" || need_apt+=(libpango-1.0-0 libpangoft2-1.0-0)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need_apt+=(fonts-noto-cjk)
if [ ${#need_apt[@]} -gt 0 ]; then
  step "安装系统软件包：${need_apt[*]}（生成 PDF 用）"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null || true
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null || true
  fi
fi

if [ ! -x .venv/bin/python ]; then
  step "创建 Python 虚拟环境 .venv"
  "$PY" -m venv .venv
fi
step "安装 Python 依赖（requirements/base.txt；第一次要下载，视网速半分钟到几分钟，之后几秒）"
.venv/bin/pip install -q --upgrade pip >/dev/null
.venv/bin/pip install -q -r requirements/base.txt
step "建立数据库表（SQLite：var/db.sqlite3；第一次约 1 分钟）"
.venv/bin/python manage.py migrate --noinput -v0
step "生成演示数据：1 个县、2 个镇、6 个村、1,500 户及积分、事件、公开、财务、会议等（第一次 1–2 分钟，期间没有输出；之后十几秒）"
.venv/bin/python manage.py seed_demo
step "载入国家法定节假日和调休（工作日日历）"
.venv/bin/python manage.py load_calendar
ADDR=${DEMO_ADDR:-127.0.0.1:8000}
step "启动后台任务（huey：发短信、期限提醒、积分公示等定时任务；演示的短信验证码显示在本终端）"
.venv/bin/python manage.py run_huey --quiet &
JOBS_PID=$!
trap 'kill $JOBS_PID 2>/dev/null' EXIT
step "启动演示服务器（按 Ctrl+C 停止）"
echo "乡村治理数字平台: http://$ADDR/login/  (演示账号密码 Demo@2026；API 文档: http://$ADDR/api/docs)"
.venv/bin/python manage.py runserver "$ADDR"
