"""`lantoa` — the one command-line entry point.

Our own commands are Django management commands; anything else is passed to Django's
manage.py machinery, so `lantoa shell`, `lantoa createsuperuser` and the like work too.
"""

from __future__ import annotations

import os
import sys

HELP = """\
Lan Tỏa — nền tảng truyền thông công đoàn (trade-union communications platform)

Cách dùng / usage:  lantoa <lệnh> [tùy chọn]      lantoa <lệnh> --help  để xem chi tiết

  demo        Chạy bản trình diễn: tạo CSDL SQLite trong ./data, nạp dữ liệu mẫu, mở máy chủ web
              tại http://127.0.0.1:8000 và tiến trình nền. Ctrl-C để dừng.
              Run the demo: SQLite in ./data, demo data, web server and background worker.
  serve       Chạy máy chủ web (gunicorn) cho môi trường thật.  Run the production web server.
  serve-webhooks  Máy chủ webhook Zalo/Messenger (uvicorn; nginx chuyển /webhooks/ tới đây):
              trả lời ngay sau khi xếp tin vào Redis.  Webhook server (ASGI, Redis queue).
  worker      Chạy tiến trình nền (Celery).  Run the background worker (Celery).
  migrate     Tạo/cập nhật cấu trúc CSDL.  Create or upgrade the database tables.
  seed        Sinh dữ liệu mẫu: --size demo|province|national.  Generate sample data.
  units       Nhập/xuất đơn vị (import FILE, export FILE), hợp nhất tỉnh (merge-provinces CSV).
              Import/export units from CSV/XLSX; apply the 2025 province merger.
  activities  Nhập hoạt động tuyên truyền từ CSV/XLSX (import FILE).  Import activity records.
  contests    Cuộc thi: import-bank CUỘC_THI FILE (kho câu hỏi từ CSV/XLSX), import-entries
              CUỘC_THI FILE (phiếu dự thi giấy), template FILE [--entries].
              Contest question bank and paper answer sheets: import, blank templates.
  kb          Hỏi đáp pháp luật: import [FILE] (CSV/XLSX; bỏ trống: bộ bài có sẵn), export
              FILE, reindex; danh mục văn bản: laws import [FILE], laws export FILE, laws link.
              Legal knowledge base: import/export articles, rebuild the search index, the
              register of legal documents.
  inquiries   Hộp thư người lao động: ingest-email [FILE.eml] (thư từ máy chủ thư),
              poll-mailbox (lấy thư IMAP một lần).  Take in e-mailed questions.
  targets     Nạp bộ chỉ tiêu mặc định (load-defaults [--owner MÃ]).  Load the default targets.
  fakeplatforms  Máy chủ giả lập Facebook Graph API và Zalo OA để thử đăng bài (--port 8090).
              Local stand-in for Facebook and Zalo, to try publishing in the demo.
  report      Lập báo cáo theo kỳ: --unit MÃ --period 2022-H1 --format docx|xlsx|md --out FILE.
              Build an official report (Word in the union's format, Excel, Markdown).
  otp         In mã xác thực hai lớp hiện tại của tài khoản trình diễn.  Current demo TOTP code.
  check       Kiểm tra cấu hình (thêm --deploy cho môi trường thật).  Check the configuration.
  createsuperuser, shell, dbshell, collectstatic … — các lệnh Django khác / other Django commands.

Cấu hình qua biến môi trường (xem README): DATABASE_URL, REDIS_URL, LANTOA_SECRET_KEY,
LANTOA_ALLOWED_HOSTS, LANTOA_DATA_DIR, LANTOA_MEDIA_STORAGE, LANTOA_EMAIL_URL …
"""


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) < 2 or argv[1] in ("-h", "--help", "help"):
        print(HELP)
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantoa.settings")
    from django.core.management import execute_from_command_line

    # Django names commands after modules (serve_webhooks); the documented name has a hyphen.
    command = {"serve-webhooks": "serve_webhooks"}.get(argv[1], argv[1])
    execute_from_command_line(["lantoa", command, *argv[2:]])


if __name__ == "__main__":
    main()
