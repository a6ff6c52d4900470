"""Demo inquiries for ``lantoa demo``: a few hundred workers' questions over the last ~14
months (back to the start of last year, for the year-on-year figures), across channels,
categories, statuses and the units of the demo federation, with realistic texts, answers in an
officer's voice and a history consistent with the SLA rules (first responses, warnings,
escalations up the tree, some cases overdue right now).

Deterministic for a given ``seed`` and ``now``; written with ``bulk_create``. The contacts are
invented (names from the seed's name lists, 09xxxxxxxx numbers, example.com addresses).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from lantoa.accounts.models import User
from lantoa.channels.models import Channel, ChannelKind
from lantoa.connectors.errors import PermanentError
from lantoa.connectors.zalo.client import OUTSIDE_WINDOW_REFUSED
from lantoa.core.messages import Text
from lantoa.core.text import fold, format_int
from lantoa.inquiries.intake import search_text_of, urgency_reasons
from lantoa.inquiries.models import (
    CannedAnswer,
    Direction,
    EventKind,
    Inquiry,
    InquiryContact,
    InquiryEvent,
    Kind,
    Message,
    OutboundReply,
    OutboxStatus,
    Source,
    Status,
)
from lantoa.kb.models import Category
from lantoa.units.models import Unit, UnitKind, UnitStatus
from lantoa.units.seed import DEFAULT_SEED, person_name

DEFAULT_COUNT = 360
# The first FRESH_NEW cases arrive within the last 30 hours, the next ones up to FRESH a few
# days ago and still unanswered; the rest spread over at least HISTORY_DAYS, back to the
# start of last year (so this year's figures have a full same-period-last-year to compare
# with), growing by YEARLY_GROWTH a year: the unions are on their way to doubling.
FRESH_NEW = 14
FRESH = 24
HISTORY_DAYS = 425
YEARLY_GROWTH = 1.7
RESPONSE_HOURS = 24
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SOURCE_WEIGHTS = (
    (Source.WEB, 25),
    (Source.ZALO, 26),
    (Source.FACEBOOK, 14),
    (Source.EMAIL, 7),
    (Source.HOTLINE, 18),
    (Source.WALK_IN, 10),
)
PUSHED = (Source.ZALO, Source.FACEBOOK, Source.EMAIL)
# Demo accounts (lantoa.accounts.demo) that answer: the zone union's communicator and the
# province's officers.
_ASSIGNEES = ("truyenthong", "tuyengiao", "lanhdao", "quantri")


@dataclass(frozen=True)
class Template:
    category: str
    kind: str
    subject: str
    body: str
    answer: str
    weight: int = 3


# Placeholders: {employer} {zone} {n} {m1} {m2} {years} {hours}. The answers cite the law as
# it stands (Bộ luật Lao động 2019, Luật An toàn, vệ sinh lao động 2015, Luật Bảo hiểm xã hội
# 2024, Luật Công đoàn 2024); they are demo texts, not legal advice.
TEMPLATES: tuple[Template, ...] = (
    Template(
        Category.CONTRACT,
        Kind.QUESTION,
        "Thử việc 3 tháng, lương thử việc 70% có đúng không?",
        "Em mới vào làm công nhân ở {employer}. Công ty bắt thử việc 3 tháng, lương thử việc "
        "chỉ bằng 70% lương chính thức. Như vậy có đúng luật không ạ?",
        "Theo Điều 25 Bộ luật Lao động 2019, với công việc của công nhân trực tiếp sản xuất "
        "không đòi hỏi trình độ trung cấp trở lên, thời gian thử việc không quá 06 ngày làm "
        "việc (không quá 30 ngày nếu cần trình độ trung cấp, công nhân kỹ thuật; không quá 60 "
        "ngày nếu cần trình độ cao đẳng trở lên). Điều 26 quy định tiền lương thử việc ít nhất "
        "bằng 85% mức lương của công việc đó. Yêu cầu thử việc 3 tháng với mức 70% là trái quy "
        "định. Công đoàn sẽ trao đổi với bộ phận nhân sự của công ty để điều chỉnh.",
        4,
    ),
    Template(
        Category.CONTRACT,
        Kind.QUESTION,
        "Hợp đồng hết hạn nhưng vẫn đi làm thì sao?",
        "Hợp đồng 1 năm của tôi ở {employer} đã hết hạn từ tháng {m1} nhưng tôi vẫn đi làm "
        "bình thường, công ty chưa ký hợp đồng mới. Quyền lợi của tôi có bị ảnh hưởng không?",
        "Theo khoản 2 Điều 20 Bộ luật Lao động 2019, khi hợp đồng xác định thời hạn hết hạn mà "
        "bạn vẫn tiếp tục làm việc thì trong 30 ngày hai bên phải ký hợp đồng mới; nếu không ký, "
        "hợp đồng đã giao kết trở thành hợp đồng không xác định thời hạn. Các quyền lợi về "
        "lương, bảo hiểm của bạn vẫn được bảo đảm. Bạn nên đề nghị công ty ký lại hợp đồng bằng "
        "văn bản; công đoàn cơ sở sẽ nhắc doanh nghiệp thực hiện.",
    ),
    Template(
        Category.CONTRACT,
        Kind.COMPLAINT,
        "Công ty không đưa hợp đồng lao động cho công nhân giữ",
        "Chúng tôi ký hợp đồng với {employer} nhưng công ty thu lại cả hai bản, không cho người "
        "lao động giữ bản nào. Xin hỏi như vậy có đúng không?",
        "Điều 14 Bộ luật Lao động 2019 quy định hợp đồng lao động được giao kết thành 02 bản, "
        "người lao động giữ 01 bản. Việc công ty giữ cả hai bản là không đúng. Công đoàn đã "
        "ghi nhận phản ánh và sẽ đề nghị công ty giao lại hợp đồng cho từng người lao động.",
    ),
    Template(
        Category.WAGES,
        Kind.COMPLAINT,
        "Công ty chậm trả lương tháng {m1} và tháng {m2}",
        "Công ty {employer} đã chậm trả lương tháng {m1} và tháng {m2} cho khoảng {n} công nhân "
        "phân xưởng chúng tôi. Anh chị em rất khó khăn, nhiều người không có tiền trả tiền trọ. "
        "Mong Công đoàn can thiệp giúp.",
        "Công đoàn đã tiếp nhận phản ánh và cử cán bộ làm việc trực tiếp với ban giám đốc công "
        "ty. Theo Điều 97 Bộ luật Lao động 2019, người sử dụng lao động phải trả lương đúng hạn; "
        "nếu vì lý do bất khả kháng thì không được chậm quá 30 ngày, và khi chậm từ 15 ngày trở "
        "lên phải trả thêm một khoản ít nhất bằng tiền lãi của số tiền trả chậm. Công đoàn đã "
        "báo cáo Sở Nội vụ để phối hợp giải quyết và sẽ thông tin lại cho anh chị em.",
        4,
    ),
    Template(
        Category.WAGES,
        Kind.QUESTION,
        "Lương tối thiểu vùng hiện nay là bao nhiêu?",
        "Cho em hỏi lương tối thiểu vùng hiện nay ở chỗ em là bao nhiêu ạ? Em làm ở {zone}, "
        "lương cơ bản trên hợp đồng có được thấp hơn mức đó không?",
        "Mức lương tối thiểu vùng do Chính phủ quy định bằng nghị định và được điều chỉnh theo "
        "từng thời kỳ; địa bàn của bạn áp dụng mức của vùng nơi doanh nghiệp hoạt động. Theo "
        "Điều 90 và Điều 91 Bộ luật Lao động 2019, tiền lương theo công việc hoặc chức danh "
        "trả cho người lao động làm đủ thời giờ làm việc bình thường không được thấp hơn mức "
        "lương tối thiểu. Bạn có thể gửi bản chụp bảng lương để Công đoàn kiểm tra giúp.",
        4,
    ),
    Template(
        Category.WAGES,
        Kind.QUESTION,
        "Tiền làm thêm giờ được tính như thế nào?",
        "Em làm thêm giờ vào buổi tối và Chủ nhật ở {employer} nhưng không biết công ty tính "
        "tiền làm thêm có đúng không. Cách tính thế nào ạ?",
        "Theo Điều 98 Bộ luật Lao động 2019, tiền lương làm thêm giờ ít nhất bằng 150% vào "
        "ngày thường, 200% vào ngày nghỉ hằng tuần và 300% vào ngày nghỉ lễ, tết (chưa kể "
        "tiền lương ngày lễ). Làm việc vào ban đêm được trả thêm ít nhất 30%; làm thêm giờ vào "
        "ban đêm được trả thêm 20% tiền lương của ngày làm việc đó. Bạn đối chiếu phiếu lương "
        "theo cách tính trên; nếu thiếu, công đoàn cơ sở sẽ đề nghị công ty truy trả.",
        4,
    ),
    Template(
        Category.WAGES,
        Kind.COMPLAINT,
        "Bị trừ lương vì làm hỏng hàng",
        "Tổ trưởng ở {employer} trừ của em 1.500.000 đồng vì làm hỏng một lô hàng, gần bằng "
        "nửa tháng lương. Công ty có được trừ như vậy không?",
        "Theo Điều 102 Bộ luật Lao động 2019, công ty chỉ được khấu trừ lương để bồi thường "
        "thiệt hại do làm hư hỏng dụng cụ, thiết bị, tài sản, và mức khấu trừ hằng tháng không "
        "quá 30% tiền lương thực trả sau khi trích nộp bảo hiểm và thuế thu nhập cá nhân; việc "
        "bồi thường phải được xem xét theo trình tự tại Điều 129, Điều 130. Điều 127 cấm phạt "
        "tiền, cắt lương thay việc xử lý kỷ luật. Công đoàn sẽ làm việc với công ty về khoản "
        "trừ này.",
    ),
    Template(
        Category.HOURS,
        Kind.COMPLAINT,
        "Công ty bắt tăng ca đến 10 giờ đêm cả tháng",
        "Cả tháng nay {employer} bắt công nhân tăng ca đến 10 giờ đêm, kể cả thứ Bảy, ai không "
        "tăng ca thì bị nhắc nhở. Như vậy có vượt quá quy định không?",
        "Theo Điều 107 Bộ luật Lao động 2019, làm thêm giờ phải được sự đồng ý của người lao "
        "động; số giờ làm thêm không quá 50% số giờ làm việc bình thường trong 01 ngày, không "
        "quá 40 giờ trong 01 tháng và không quá 200 giờ trong 01 năm (một số ngành, nghề được "
        "đến 300 giờ). Công đoàn sẽ kiểm tra bảng chấm công và yêu cầu công ty bảo đảm giới "
        "hạn làm thêm giờ.",
        4,
    ),
    Template(
        Category.HOURS,
        Kind.QUESTION,
        "Một năm được nghỉ phép bao nhiêu ngày?",
        "Em làm ở {employer} được {years} năm. Mỗi năm em được nghỉ phép bao nhiêu ngày, ngày "
        "phép không nghỉ hết có được trả tiền không ạ?",
        "Theo Điều 113 Bộ luật Lao động 2019, người lao động làm đủ 12 tháng được nghỉ hằng năm "
        "12 ngày làm việc (14 ngày với công việc nặng nhọc, độc hại, nguy hiểm); theo Điều 114, "
        "cứ đủ 05 năm làm việc được tăng thêm 01 ngày. Ngày phép chưa nghỉ hết khi thôi việc, "
        "bị mất việc làm thì được thanh toán tiền lương cho những ngày chưa nghỉ.",
        3,
    ),
    Template(
        Category.HOURS,
        Kind.QUESTION,
        "Đi làm ngày Tết được trả lương thế nào?",
        "Tết này {employer} yêu cầu một số công nhân đi làm ngày mùng 2, mùng 3. Tiền lương "
        "những ngày đó được tính như thế nào ạ?",
        "Người lao động được nghỉ Tết Âm lịch 05 ngày hưởng nguyên lương (Điều 112 Bộ luật Lao "
        "động 2019). Nếu làm việc vào ngày Tết, tiền lương ít nhất bằng 300% chưa kể tiền lương "
        "ngày Tết (Điều 98), và việc làm thêm phải được bạn đồng ý.",
        2,
    ),
    Template(
        Category.DISCIPLINE,
        Kind.COMPLAINT,
        "Bị đuổi việc vì đi muộn 3 lần",
        "Tôi đi muộn 3 lần trong tháng vì con ốm, quản lý {employer} thông báo cho tôi nghỉ "
        "việc luôn, không họp hành gì. Công ty làm vậy có đúng không?",
        "Theo Điều 125 Bộ luật Lao động 2019, đi muộn không thuộc các trường hợp bị sa thải "
        "(trừ khi tái phạm trong thời gian chưa được xóa kỷ luật kéo dài thời hạn nâng lương "
        "hoặc cách chức). Việc xử lý kỷ luật phải tuân theo trình tự tại Điều 122, có sự tham "
        "gia của công đoàn cơ sở. Công đoàn đề nghị bạn giữ lại các giấy tờ liên quan; cán bộ "
        "công đoàn sẽ làm việc với công ty về quyết định này.",
    ),
    Template(
        Category.DISCIPLINE,
        Kind.COMPLAINT,
        "Bị phạt tiền vì không đạt chỉ tiêu",
        "Ở {employer} ai không đạt chỉ tiêu sản lượng thì bị phạt 200.000 đồng mỗi lần, trừ "
        "thẳng vào lương. Công ty có được làm thế không?",
        "Điều 127 Bộ luật Lao động 2019 nghiêm cấm phạt tiền, cắt lương thay việc xử lý kỷ "
        "luật lao động. Hình thức kỷ luật chỉ gồm khiển trách, kéo dài thời hạn nâng lương "
        "không quá 06 tháng, cách chức và sa thải. Công đoàn sẽ đề nghị công ty chấm dứt việc "
        "phạt tiền và hoàn trả các khoản đã trừ.",
    ),
    Template(
        Category.TERMINATION,
        Kind.QUESTION,
        "Nghỉ việc phải báo trước bao nhiêu ngày?",
        "Em muốn nghỉ việc ở {employer} để về quê. Hợp đồng của em là không xác định thời "
        "hạn. Em phải báo trước bao lâu để không bị mất quyền lợi?",
        "Theo Điều 35 Bộ luật Lao động 2019, với hợp đồng không xác định thời hạn, bạn phải báo "
        "trước ít nhất 45 ngày (30 ngày với hợp đồng từ 12 đến 36 tháng; 03 ngày làm việc với "
        "hợp đồng dưới 12 tháng). Nghỉ đúng thời hạn báo trước, bạn được thanh toán đầy đủ "
        "lương, ngày phép chưa nghỉ và được công ty chốt sổ bảo hiểm xã hội.",
        4,
    ),
    Template(
        Category.TERMINATION,
        Kind.QUESTION,
        "Trợ cấp thôi việc được tính thế nào?",
        "Tôi làm ở {employer} {years} năm, nay nghỉ việc. Tôi có được trợ cấp thôi việc không, "
        "tính thế nào?",
        "Theo Điều 46 Bộ luật Lao động 2019, người lao động làm việc thường xuyên từ đủ 12 "
        "tháng trở lên được trợ cấp thôi việc, mỗi năm làm việc được một nửa tháng tiền lương. "
        "Thời gian tính trợ cấp là tổng thời gian làm việc thực tế trừ thời gian đã tham gia bảo "
        "hiểm thất nghiệp; thời gian đã đóng bảo hiểm thất nghiệp sẽ được xem xét hưởng trợ cấp "
        "thất nghiệp.",
        3,
    ),
    Template(
        Category.TERMINATION,
        Kind.COMPLAINT,
        "Công ty cho nghỉ việc ngay, không báo trước",
        "Sáng nay {employer} thông báo cho {n} người chúng tôi nghỉ việc từ mai với lý do cắt "
        "giảm đơn hàng, không báo trước và không nói gì về trợ cấp.",
        "Khi đơn phương chấm dứt hợp đồng, người sử dụng lao động phải báo trước theo Điều 36; "
        "trường hợp cho thôi việc vì lý do kinh tế phải thực hiện theo Điều 42, trao đổi ý kiến "
        "với công đoàn cơ sở, thông báo trước 30 ngày cho cơ quan quản lý nhà nước về lao động "
        "và trả trợ cấp mất việc làm (Điều 47). Công đoàn đã liên hệ công ty đề nghị tạm dừng "
        "quyết định và tổ chức đối thoại với người lao động.",
    ),
    Template(
        Category.INSURANCE,
        Kind.COMPLAINT,
        "Công ty trừ tiền bảo hiểm nhưng không đóng",
        "Tra cứu trên ứng dụng VssID thì thấy {employer} chưa đóng bảo hiểm xã hội cho tôi từ "
        "tháng {m1}, trong khi lương tháng nào cũng bị trừ 10,5%.",
        "Theo Luật Bảo hiểm xã hội 2024, người sử dụng lao động có trách nhiệm đóng bảo hiểm xã "
        "hội hằng tháng, bao gồm cả phần đã trích từ tiền lương của người lao động; chậm đóng, "
        "trốn đóng bị xử phạt và phải đóng đủ số tiền chậm đóng cùng tiền lãi. Công đoàn đã "
        "đề nghị cơ quan bảo hiểm xã hội kiểm tra và sẽ giám sát việc công ty đóng bù.",
        4,
    ),
    Template(
        Category.INSURANCE,
        Kind.LEGAL_ADVICE,
        "Thủ tục hưởng trợ cấp thất nghiệp",
        "Tôi vừa nghỉ việc ở {employer}, đã đóng bảo hiểm thất nghiệp {years} năm. Tôi cần "
        "làm thủ tục gì và nộp ở đâu để hưởng trợ cấp thất nghiệp?",
        "Bạn được hưởng trợ cấp thất nghiệp khi đã đóng bảo hiểm thất nghiệp từ đủ 12 tháng "
        "trong 24 tháng trước khi chấm dứt hợp đồng. Hồ sơ (đơn đề nghị, quyết định thôi việc, "
        "sổ bảo hiểm xã hội đã chốt) nộp tại Trung tâm Dịch vụ việc làm của tỉnh trong vòng 03 "
        "tháng kể từ ngày chấm dứt hợp đồng. Bạn nên nộp sớm để không mất quyền lợi.",
        3,
    ),
    Template(
        Category.INSURANCE,
        Kind.QUESTION,
        "Nghỉ ốm có được bảo hiểm trả lương không?",
        "Em bị sốt xuất huyết phải nằm viện 7 ngày, có giấy ra viện. Những ngày nghỉ đó em có "
        "được hưởng chế độ ốm đau không ạ?",
        "Khi nghỉ việc do ốm đau có xác nhận của cơ sở khám chữa bệnh, bạn được hưởng chế độ ốm "
        "đau từ quỹ bảo hiểm xã hội, mức hưởng bằng 75% tiền lương đóng bảo hiểm xã hội của "
        "tháng gần nhất trước khi nghỉ. Bạn nộp giấy ra viện cho bộ phận nhân sự để công ty lập "
        "hồ sơ gửi cơ quan bảo hiểm xã hội.",
    ),
    Template(
        Category.INSURANCE,
        Kind.LEGAL_ADVICE,
        "Có nên rút bảo hiểm xã hội một lần không?",
        "Em nghỉ việc đã hơn một năm, muốn rút bảo hiểm xã hội một lần để lấy vốn. Em có rút "
        "được không và có nên rút không ạ?",
        "Theo Luật Bảo hiểm xã hội 2024, người tham gia trước ngày 01/7/2025 sau 12 tháng không "
        "còn thuộc diện tham gia và chưa đủ 20 năm đóng thì được nhận bảo hiểm xã hội một lần "
        "nếu có yêu cầu. Tuy vậy, rút một lần sẽ mất thời gian đã đóng để tính lương hưu và "
        "không còn được cấp thẻ bảo hiểm y tế do quỹ chi trả. Công đoàn khuyên bạn cân nhắc "
        "bảo lưu thời gian đóng.",
        2,
    ),
    Template(
        Category.MATERNITY,
        Kind.COMPLAINT,
        "Đang mang thai bị công ty ép nghỉ việc",
        "Em đang mang thai tháng thứ 5, quản lý {employer} gợi ý em viết đơn xin nghỉ việc vì "
        "không theo kịp năng suất. Công ty có được làm vậy không ạ?",
        "Theo Điều 137 Bộ luật Lao động 2019, người sử dụng lao động không được sa thải hoặc "
        "đơn phương chấm dứt hợp đồng với lao động nữ vì lý do mang thai, nghỉ thai sản, nuôi "
        "con dưới 12 tháng tuổi. Bạn không phải viết đơn xin nghỉ. Khi sinh con, bạn được nghỉ "
        "thai sản 06 tháng (Điều 139). Công đoàn sẽ làm việc với công ty để bảo vệ quyền lợi "
        "của bạn.",
        3,
    ),
    Template(
        Category.MATERNITY,
        Kind.QUESTION,
        "Chồng được nghỉ mấy ngày khi vợ sinh?",
        "Vợ em sắp sinh, em làm ở {employer}. Em được nghỉ mấy ngày và có được bảo hiểm trả "
        "tiền không ạ?",
        "Lao động nam đang đóng bảo hiểm xã hội khi vợ sinh con được nghỉ hưởng chế độ thai "
        "sản 05 ngày làm việc; 07 ngày nếu vợ sinh con phải phẫu thuật hoặc sinh con dưới 32 "
        "tuần tuổi; thêm ngày nghỉ nếu sinh đôi trở lên. Tiền chế độ do quỹ bảo hiểm xã hội "
        "chi trả; bạn báo với bộ phận nhân sự để làm hồ sơ.",
        2,
    ),
    Template(
        Category.SAFETY,
        Kind.COMPLAINT,
        "Công nhân bị tai nạn lao động khi vận hành máy",
        "Chiều nay một công nhân ở {employer} bị tai nạn lao động, dập tay khi vận hành máy dập, "
        "đang cấp cứu ở bệnh viện. Công ty chưa lập biên bản. Chúng tôi phải làm gì?",
        "Công đoàn đã cử cán bộ đến bệnh viện và làm việc với công ty. Theo Điều 38 Luật An "
        "toàn, vệ sinh lao động 2015, người sử dụng lao động phải kịp thời sơ cứu, cấp cứu, "
        "thanh toán chi phí y tế, trả đủ tiền lương trong thời gian điều trị và bồi thường theo "
        "mức suy giảm khả năng lao động; vụ tai nạn phải được khai báo và điều tra theo quy "
        "định. Công đoàn sẽ tham gia đoàn điều tra và theo dõi đến khi người lao động được "
        "giải quyết đủ chế độ.",
        2,
    ),
    Template(
        Category.SAFETY,
        Kind.COMPLAINT,
        "Xưởng nóng, không được cấp khẩu trang chống bụi",
        "Xưởng ở {employer} rất nóng và nhiều bụi bông, mấy tháng nay công ty không cấp khẩu "
        "trang chống bụi, nhiều người bị ho.",
        "Theo Luật An toàn, vệ sinh lao động 2015, người sử dụng lao động phải bảo đảm nơi làm "
        "việc đạt yêu cầu về nhiệt độ, bụi và trang cấp đầy đủ phương tiện bảo vệ cá nhân cho "
        "người lao động làm công việc có yếu tố nguy hiểm, có hại (Điều 23). Công đoàn sẽ đề "
        "nghị công ty cấp khẩu trang, bổ sung thông gió và tổ chức quan trắc môi trường lao "
        "động.",
    ),
    Template(
        Category.SAFETY,
        Kind.COMPLAINT,
        "Nhiều công nhân bị ngộ độc sau bữa ăn ca",
        "Sau bữa ăn ca trưa nay ở {employer} có khoảng {n} công nhân bị đau bụng, nôn, nhiều "
        "người phải đi cấp cứu vì ngộ độc thực phẩm.",
        "Công đoàn đã phối hợp với công ty đưa người lao động đi cấp cứu và đề nghị cơ quan y "
        "tế lấy mẫu thức ăn. Bữa ăn ca phải bảo đảm an toàn thực phẩm; công đoàn sẽ giám sát "
        "việc thay đổi nhà cung cấp suất ăn và bảo đảm người lao động bị ngộ độc được hưởng "
        "lương trong những ngày nghỉ điều trị.",
        1,
    ),
    Template(
        Category.MEMBERSHIP,
        Kind.QUESTION,
        "Đoàn phí công đoàn đóng bao nhiêu?",
        "Em mới vào công đoàn ở {employer}. Hằng tháng em phải đóng đoàn phí bao nhiêu, có khác "
        "với kinh phí công đoàn công ty đóng không ạ?",
        "Đoàn phí do đoàn viên đóng bằng 1% tiền lương làm căn cứ đóng bảo hiểm xã hội, tối đa "
        "bằng 10% mức lương cơ sở. Kinh phí công đoàn là khoản khác, do doanh nghiệp đóng bằng "
        "2% quỹ tiền lương làm căn cứ đóng bảo hiểm xã hội theo Luật Công đoàn 2024, không trừ "
        "vào lương của người lao động.",
        3,
    ),
    Template(
        Category.MEMBERSHIP,
        Kind.QUESTION,
        "Muốn gia nhập công đoàn thì làm thế nào?",
        "Công ty em ({employer}) đã có công đoàn cơ sở. Em muốn gia nhập công đoàn thì cần làm "
        "thủ tục gì, vào công đoàn có lợi gì ạ?",
        "Bạn chỉ cần viết đơn gia nhập (hoặc đăng ký trực tuyến) gửi Ban Chấp hành công đoàn "
        "cơ sở. Là đoàn viên, bạn được công đoàn đại diện, bảo vệ khi có tranh chấp, được tư vấn "
        "pháp luật miễn phí, được thăm hỏi khi ốm đau, khó khăn và hưởng các chương trình phúc "
        "lợi như Tết Sum vầy, Mái ấm Công đoàn.",
        2,
    ),
    Template(
        Category.BARGAINING,
        Kind.COMPLAINT,
        "Công nhân ngừng việc phản đối cắt thưởng",
        "Sáng nay khoảng {n} công nhân ở {employer} ngừng việc tập thể, tụ tập ở sân vì công ty "
        "thông báo cắt thưởng tháng lương thứ 13. Tình hình đang căng thẳng.",
        "Cán bộ công đoàn đã có mặt tại doanh nghiệp, cùng ban giám đốc tổ chức đối thoại với "
        "đại diện người lao động. Theo Bộ luật Lao động 2019, việc đình công phải do tổ chức đại "
        "diện người lao động tổ chức và lãnh đạo theo trình tự luật định (Điều 200 đến Điều "
        "202). Công đoàn đề nghị anh chị em giữ bình tĩnh, cử đại diện đối thoại; công ty đã "
        "đồng ý xem xét lại mức thưởng.",
        1,
    ),
    Template(
        Category.BARGAINING,
        Kind.PETITION,
        "Kiến nghị đưa tiền xăng xe vào thỏa ước lao động tập thể",
        "Nhiều công nhân ở {employer} ở xa, kiến nghị công đoàn đề xuất với công ty hỗ trợ tiền "
        "xăng xe và đưa vào thỏa ước lao động tập thể năm nay.",
        "Công đoàn ghi nhận kiến nghị và sẽ đưa nội dung hỗ trợ đi lại vào dự thảo thỏa ước lao "
        "động tập thể khi thương lượng với công ty. Dự thảo sẽ được lấy ý kiến người lao động "
        "trước khi ký (Điều 76 Bộ luật Lao động 2019).",
        2,
    ),
    Template(
        Category.OTHER,
        Kind.PETITION,
        "Đề nghị hỗ trợ vé xe về quê ăn Tết",
        "Em là công nhân ở {zone}, hoàn cảnh khó khăn, năm nay muốn đăng ký vé xe về quê ăn "
        "Tết của chương trình Tết Sum vầy thì làm thế nào ạ?",
        "Chương trình Tết Sum vầy hỗ trợ vé xe cho đoàn viên, người lao động có hoàn cảnh khó "
        "khăn. Bạn đăng ký qua công đoàn cơ sở nơi làm việc hoặc công đoàn khu công nghiệp; "
        "danh sách được xét theo hoàn cảnh và gửi về Liên đoàn Lao động tỉnh trước Tết.",
        2,
    ),
    Template(
        Category.OTHER,
        Kind.QUESTION,
        "Hỏi về chương trình Mái ấm Công đoàn",
        "Gia đình em ở nhờ nhà người thân, em là đoàn viên ở {employer} {years} năm. Em có được "
        "xét hỗ trợ làm nhà của Mái ấm Công đoàn không ạ?",
        "Chương trình Mái ấm Công đoàn xét hỗ trợ xây mới, sửa chữa nhà cho đoàn viên có hoàn "
        "cảnh khó khăn về nhà ở. Bạn làm đơn có xác nhận của công đoàn cơ sở; công đoàn cấp trên "
        "sẽ thẩm định và xét theo thứ tự ưu tiên.",
        1,
    ),
)

CANNED: tuple[tuple[str, str, str], ...] = (
    (
        "Lời chào và tiếp nhận",
        "",
        "Chào bạn, Công đoàn đã nhận được câu hỏi của bạn và đang tìm hiểu để trả lời. "
        "Bạn vui lòng giữ mã tra cứu để theo dõi.",
    ),
    (
        "Đề nghị bổ sung thông tin",
        "",
        "Để Công đoàn hỗ trợ được chính xác, bạn vui lòng cho biết thêm tên doanh nghiệp, "
        "thời gian làm việc và loại hợp đồng lao động đã ký.",
    ),
    (
        "Tiền lương làm thêm giờ (Điều 98)",
        Category.WAGES,
        "Theo Điều 98 Bộ luật Lao động 2019, tiền lương làm thêm giờ ít nhất bằng 150% vào ngày "
        "thường, 200% vào ngày nghỉ hằng tuần, 300% vào ngày lễ, tết chưa kể tiền lương ngày lễ.",
    ),
    (
        "Trả lương chậm (Điều 97)",
        Category.WAGES,
        "Theo Điều 97 Bộ luật Lao động 2019, công ty phải trả lương đúng hạn; chậm từ 15 ngày "
        "trở lên phải trả thêm ít nhất bằng tiền lãi của số tiền trả chậm.",
    ),
    (
        "Thời hạn báo trước khi nghỉ việc (Điều 35)",
        Category.TERMINATION,
        "Người lao động nghỉ việc phải báo trước ít nhất 45 ngày (hợp đồng không xác định thời "
        "hạn), 30 ngày (hợp đồng 12–36 tháng) hoặc 03 ngày làm việc (hợp đồng dưới 12 tháng).",
    ),
    (
        "Giới hạn làm thêm giờ (Điều 107)",
        Category.HOURS,
        "Làm thêm giờ phải có sự đồng ý của người lao động, không quá 40 giờ/tháng và 200 "
        "giờ/năm (một số ngành, nghề được đến 300 giờ/năm).",
    ),
    (
        "Lao động nữ mang thai (Điều 137)",
        Category.MATERNITY,
        "Công ty không được sa thải, đơn phương chấm dứt hợp đồng với lao động nữ vì lý do "
        "mang thai, nghỉ thai sản hoặc nuôi con dưới 12 tháng tuổi.",
    ),
    (
        "Chuyển công đoàn cơ sở xử lý",
        "",
        "Công đoàn cấp trên đã chuyển nội dung của bạn tới công đoàn cơ sở tại doanh nghiệp để "
        "làm việc trực tiếp với công ty; kết quả sẽ được thông báo trong thời gian sớm nhất.",
    ),
)

FOLLOW_UPS = (
    "Em cảm ơn Công đoàn ạ. Nếu công ty vẫn không thực hiện thì em phải làm gì tiếp?",
    "Cho em hỏi thêm, em cần chuẩn bị giấy tờ gì ạ?",
    "Công ty đã trả lại tiền rồi, cảm ơn Công đoàn nhiều!",
)
FOLLOW_UP_ANSWER = (
    "Nếu công ty vẫn không thực hiện, bạn có thể gửi đơn đến Công đoàn cấp trên hoặc Thanh tra "
    "Sở Nội vụ; Công đoàn sẽ hỗ trợ bạn soạn đơn và đi cùng khi làm việc."
)
NOTES = (
    "Đã gọi điện cho chủ tịch công đoàn cơ sở, hẹn làm việc với phòng nhân sự.",
    "Đề nghị chuyển bộ phận tư vấn pháp luật xem thêm hợp đồng.",
    "Người lao động đề nghị giữ kín danh tính khi làm việc với công ty.",
    "Đã đối chiếu bảng lương do người lao động gửi qua Zalo.",
)
# Zalo's words when the worker is out of the consultation window (error -230).
FAILED_ERROR = "User has not interacted with the OA in the last 48 hours"


def failed_error() -> PermanentError:
    """The error a demo reply that Zalo refused keeps, as the outbox stores it."""
    return PermanentError(Text(OUTSIDE_WINDOW_REFUSED, {"text": FAILED_ERROR}), code=-230)


@dataclass
class _Case:
    inquiry: Inquiry
    contact: InquiryContact | None = None
    messages: list[Message] = field(default_factory=list)
    events: list[InquiryEvent] = field(default_factory=list)
    outbound: list[tuple[int, OutboundReply]] = field(default_factory=list)


class _Builder:
    def __init__(self, *, seed: int, now: dt.datetime) -> None:
        self.rng = random.Random(f"{seed}:inquiries")  # noqa: S311 - demo data
        self.now = now
        self.codes: set[str] = set()
        last_year = timezone.localtime(now).year - 1
        self.start = min(
            now - dt.timedelta(days=HISTORY_DAYS),
            timezone.make_aware(dt.datetime(last_year, 1, 1)),
        )
        self.span_days = (now - self.start).total_seconds() / 86400 - 0.5
        province = (
            Unit.objects.filter(kind=UnitKind.PROVINCE, status=UnitStatus.ACTIVE)
            .order_by("pk")
            .first()
        )
        if province is None:
            raise RuntimeError("demo data is missing: run `lantoa seed --size demo` first")
        self.province = province
        units = list(
            Unit.objects.filter(ancestor_links__ancestor=province, status=UnitStatus.ACTIVE)
        )
        self.by_id = {u.pk: u for u in units}
        # The units above the province too: escalation goes on up to the national level.
        self.by_id.update(
            {u.pk: u for u in Unit.objects.filter(descendant_links__descendant=province)}
        )
        self.grassroots = sorted(
            (
                u
                for u in units
                if u.kind == UnitKind.GRASSROOTS and u.employer_name.startswith("Công ty")
            ),
            key=lambda u: u.code,
        ) or sorted((u for u in units if u.kind == UnitKind.GRASSROOTS), key=lambda u: u.code)
        self.uppers = sorted(
            (u for u in units if u.parent_id == province.pk and u.kind != UnitKind.GRASSROOTS),
            key=lambda u: u.code,
        )
        self.zone_union = next((u for u in self.uppers if u.kind == UnitKind.INDUSTRIAL_ZONE), None)
        self.zones = sorted({u.industrial_zone for u in units if u.industrial_zone}) or ["KCN"]
        accounts = {u.username: u for u in User.objects.filter(username__in=_ASSIGNEES)}
        self.zone_officer = accounts.get("truyenthong")
        self.province_officers = [
            accounts[n] for n in ("tuyengiao", "lanhdao", "quantri") if n in accounts
        ]
        self.channels: dict[str, Channel | None] = {
            kind: Channel.objects.filter(unit=province, kind=kind).order_by("pk").first()
            for kind in (ChannelKind.ZALO_OA, ChannelKind.FACEBOOK_PAGE)
        }
        self.templates = list(TEMPLATES)
        self.weights = [t.weight for t in TEMPLATES]

    # -- small draws --------------------------------------------------------------------

    def code(self) -> str:
        while True:
            raw = "".join(self.rng.choice(_ALPHABET) for _ in range(8))
            code = f"HD-{raw[:4]}-{raw[4:]}"
            if code not in self.codes:
                self.codes.add(code)
                return code

    def phone(self) -> str:
        return "09" + "".join(self.rng.choice("0123456789") for _ in range(8))

    def source(self) -> str:
        values, weights = zip(*SOURCE_WEIGHTS, strict=True)
        return str(self.rng.choices(values, weights=weights)[0])

    def is_in_zone(self, unit: Unit) -> bool:
        return self.zone_union is not None and (
            unit.pk == self.zone_union.pk or unit.parent_id == self.zone_union.pk
        )

    def assignee(self, unit: Unit) -> User | None:
        if self.is_in_zone(unit) and self.zone_officer is not None and self.rng.random() < 0.75:
            return self.zone_officer
        return self.rng.choice(self.province_officers) if self.province_officers else None

    def handling_unit(self) -> tuple[Unit, Unit | None, str]:
        """(unit, workplace grassroots unit, what the worker wrote as workplace)."""
        roll = self.rng.random()
        if roll < 0.6 and self.grassroots:
            unit = self.rng.choice(self.grassroots)
            return unit, unit, unit.employer_name
        if roll < 0.85 and self.uppers:
            upper = self.rng.choice(self.uppers)
            zone = upper.industrial_zone or (
                self.rng.choice(self.zones) if self.is_in_zone(upper) else ""
            )
            return upper, None, zone or upper.name.removeprefix("Công đoàn ")
        return self.province, None, ""

    # -- one case -----------------------------------------------------------------------

    def received_at(self, i: int) -> dt.datetime:
        if i < FRESH_NEW:  # fresh ones: the inbox has work in it right now
            return self.now - dt.timedelta(minutes=self.rng.randint(20, 60 * 30))
        if i < FRESH:  # overdue for a few days: escalated up the tree
            return self.now - dt.timedelta(hours=self.rng.randint(30, 24 * 5))
        # Growing over time, so this year's answered count is up on last year's.
        # Density growing as exp(k·t) over the span: inverse of its distribution function.
        k = math.log(YEARLY_GROWTH) / 365
        u = self.rng.random()
        since_start = math.log1p(u * math.expm1(k * self.span_days)) / k
        return self.start + dt.timedelta(days=since_start, minutes=self.rng.randint(0, 600))

    def first_response(self, received: dt.datetime, *, fresh: bool) -> dt.datetime | None:
        """When the case was first answered (None: not yet). Most within the day, a tail
        of late ones; the fresh ones are often still waiting."""
        age = self.now - received
        if fresh and (self.rng.random() < 0.4 or age < dt.timedelta(hours=2)):
            return None
        if not fresh and self.rng.random() < 0.05:
            return None
        hours = math.exp(self.rng.gauss(math.log(7), 1.0))
        at = received + dt.timedelta(hours=min(hours, 24 * 6), minutes=self.rng.randint(1, 59))
        return at if at < self.now - dt.timedelta(minutes=5) else None

    def build(self, i: int) -> _Case:
        rng = self.rng
        template: Template = rng.choices(self.templates, weights=self.weights)[0]
        unit, workplace_unit, workplace = self.handling_unit()
        employer = (
            workplace_unit.employer_name
            if workplace_unit
            else (self.rng.choice(self.grassroots).employer_name if self.grassroots else "công ty")
        )
        received = self.received_at(i)
        month = timezone.localtime(received).month
        months = [(month - k - 1) % 12 + 1 for k in (2, 1)]
        values = {
            "employer": employer,
            "zone": rng.choice(self.zones),
            "n": rng.choice((35, 60, 120, 200, 300, 450)),
            "m1": months[0],
            "m2": months[1],
            "years": rng.randint(2, 9),
            "hours": rng.randint(2, 4),
        }
        body = template.body.format(**values)
        subject = template.subject.format(**values)
        source = self.source()
        anonymous = rng.random() < 0.18 and source not in (Source.EMAIL,)
        reasons = urgency_reasons(f"{subject} {body}")
        fresh = i < FRESH
        responded = None if fresh and i >= FRESH_NEW else self.first_response(received, fresh=fresh)
        assignee = self.assignee(unit) if (responded or rng.random() < 0.6) else None
        code = self.code()
        inquiry = Inquiry(
            code=code,
            unit=unit,
            assignee=assignee,
            source=source,
            kind=template.kind,
            category=template.category if rng.random() < 0.92 else "",
            subject=subject,
            urgent=bool(reasons),
            urgent_reasons=reasons,
            anonymous=anonymous,
            workplace=workplace,
            workplace_unit=workplace_unit,
            received_at=received,
            last_inbound_at=received,
            response_hours=RESPONSE_HOURS,
            first_response_due=received + dt.timedelta(hours=RESPONSE_HOURS),
            first_responded_at=responded,
            answered_at=responded,
        )
        case = _Case(inquiry)
        thread = ""
        platform_user = ""
        if source == Source.ZALO:
            platform_user = str(rng.randint(10**15, 10**16 - 1))
            thread = f"zalo:{self._channel_id(ChannelKind.ZALO_OA)}:{platform_user}"
            inquiry.channel = self.channels.get(ChannelKind.ZALO_OA)
        elif source == Source.FACEBOOK:
            platform_user = str(rng.randint(10**15, 10**16 - 1))
            thread = f"facebook:{self._channel_id(ChannelKind.FACEBOOK_PAGE)}:{platform_user}"
            inquiry.channel = self.channels.get(ChannelKind.FACEBOOK_PAGE)
        elif source == Source.EMAIL:
            thread = f"email:<{code.lower()}@mail.example.com>"
        inquiry.thread_key = thread
        if not anonymous:
            name = person_name(rng)
            case.contact = InquiryContact(
                name=name,
                phone=self.phone() if source != Source.EMAIL or rng.random() < 0.3 else "",
                email=(
                    f"{fold(name).replace(' ', '.')}{rng.randint(70, 99)}@example.com"
                    if source == Source.EMAIL
                    else ""
                ),
                platform_user_id=platform_user,
                consent_at=received,
            )
        elif platform_user:
            case.contact = InquiryContact(platform_user_id=platform_user)

        officer_logged = source in (Source.HOTLINE, Source.WALK_IN)
        logger = assignee or (self.province_officers[0] if self.province_officers else None)
        self._message(
            case,
            Direction.IN,
            body,
            received,
            author=logger if officer_logged else None,
            ext=f"{code}-1",
        )
        self._event(
            case,
            EventKind.CREATED,
            received,
            actor=logger if officer_logged else None,
            data={"source": source},
        )
        if assignee is not None:
            at = received + dt.timedelta(minutes=rng.randint(5, 240))
            at = min(at, responded or self.now)
            self._event(
                case,
                EventKind.ASSIGNED,
                at,
                actor=assignee,
                data={"assignee": assignee.pk, "name": assignee.get_full_name()},
            )
        if rng.random() < 0.12 and assignee is not None:
            self._message(
                case,
                Direction.NOTE,
                rng.choice(NOTES),
                min(received + dt.timedelta(hours=1), self.now),
                author=assignee,
            )

        end = responded or self.now
        self._escalations(case, end)
        if responded is not None:
            self._answer(case, template.answer, responded, assignee, unit)
            self._after_answer(case, responded, assignee, unit)
        else:
            inquiry.status = Status.ASSIGNED if assignee else Status.NEW
            # Old cases are not left waiting for months: unanswered ones were closed (a
            # duplicate, nothing to answer); recent ones still wait, escalated as due.
            if fresh or received > self.now - dt.timedelta(days=7):
                self._open_deadline(case)
            else:
                # A duplicate or a message with nothing to answer, closed by an officer.
                closed = received + dt.timedelta(hours=rng.randint(1, 20))
                inquiry.status, inquiry.closed_at = Status.CLOSED, closed
                inquiry.reply_due = None
                inquiry.escalated_to, inquiry.escalation_level, inquiry.escalated_at = None, 0, None
                case.events = [e for e in case.events if e.kind != EventKind.ESCALATED]
                self._message(
                    case,
                    Direction.NOTE,
                    "Tin nhắn trùng với câu hỏi đã tiếp nhận trước, đóng lại.",
                    closed,
                    author=logger,
                )
                self._event(case, EventKind.CLOSED, closed, actor=logger)
        inquiry.search_text = search_text_of(
            code=code,
            subject=subject,
            workplace=inquiry.workplace,
            bodies=[m.body for m in case.messages if m.direction == Direction.IN],
        )
        return case

    def _channel_id(self, kind: str) -> str:
        channel = self.channels.get(kind)
        return (channel.identifier or str(channel.pk)) if channel else "demo"

    def _message(
        self,
        case: _Case,
        direction: str,
        body: str,
        at: dt.datetime,
        *,
        author: Any = None,
        ext: str = "",
    ) -> Message:
        inquiry = case.inquiry
        external = ext if inquiry.source in PUSHED and direction == Direction.IN else ""
        message = Message(
            direction=direction,
            author=author,
            body=body,
            source=inquiry.source,
            external_id=external,
            created_at=at,
        )
        case.messages.append(message)
        return message

    def _event(
        self,
        case: _Case,
        kind: str,
        at: dt.datetime,
        *,
        actor: Any = None,
        unit: Unit | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        case.events.append(
            InquiryEvent(
                kind=kind, actor=actor, unit=unit or case.inquiry.unit, data=data or {}, at=at
            )
        )

    def _escalations(self, case: _Case, end: dt.datetime) -> None:
        """What the SLA sweep would have done between the deadline and ``end``."""
        inquiry = case.inquiry
        current = inquiry.unit
        due = inquiry.first_response_due
        level = 0
        while due <= end:
            parent = self.by_id.get(current.parent_id) if current.parent_id else None
            if parent is None:
                break
            level += 1
            self._event(
                case,
                EventKind.ESCALATED,
                due,
                unit=parent,
                data={"from": current.pk, "to": parent.pk, "level": level},
            )
            current = parent
            inquiry.escalated_to, inquiry.escalated_at = parent, due
            due = due + dt.timedelta(hours=inquiry.response_hours)
        inquiry.escalation_level = level
        inquiry.reply_due = due  # kept only while the case waits for an answer

    def _open_deadline(self, case: _Case) -> None:
        inquiry = case.inquiry
        assert inquiry.reply_due is not None
        due = inquiry.reply_due
        if due <= self.now:  # at the root: the deadline moved on
            due = self.now + dt.timedelta(hours=self.rng.randint(1, 20))
            inquiry.reply_due = due
        warn = due - dt.timedelta(hours=inquiry.response_hours * 0.25)
        if warn <= self.now:
            inquiry.warned_at = warn
            left = int((due - warn).total_seconds() // 60)
            self._event(
                case,
                EventKind.WARNED,
                warn,
                unit=inquiry.escalated_to or inquiry.unit,
                data={"left_min": left},
            )

    def _answer(
        self, case: _Case, answer: str, at: dt.datetime, by: User | None, unit: Unit
    ) -> None:
        inquiry = case.inquiry
        inquiry.reply_due = None
        signature = self.province if by in self.province_officers else unit
        text = f"Chào bạn,\n{answer}\nTrân trọng,\n{signature.short_name or signature.name}"
        message = self._message(case, Direction.OUT, text, at, author=by)
        self._event(case, EventKind.ANSWERED, at, actor=by)
        if inquiry.source in PUSHED:
            failed = self.rng.random() < 0.04 and inquiry.source == Source.ZALO
            error = failed_error() if failed else None
            case.outbound.append(
                (
                    case.messages.index(message),
                    OutboundReply(
                        source=inquiry.source,
                        status=OutboxStatus.FAILED if failed else OutboxStatus.SENT,
                        idempotency_key=f"demo-{inquiry.code}-{len(case.outbound)}",
                        attempts=1,
                        next_attempt_at=at,
                        claimed_at=at,
                        last_error=str(error) if error else "",
                        last_error_text=error.stored() if error else None,
                        permanent_error=failed,
                        external_id=""
                        if failed
                        else f"demo-{inquiry.code.lower()}-{len(case.outbound)}",
                        sent_at=None
                        if failed
                        else at + dt.timedelta(seconds=self.rng.randint(1, 20)),
                    ),
                )
            )
            if failed:
                self._event(
                    case,
                    EventKind.REPLY_FAILED,
                    at + dt.timedelta(seconds=3),
                    data={
                        "error": str(error)[:500],
                        "error_text": error.stored() if error else None,
                    },
                )

    def _after_answer(
        self, case: _Case, answered: dt.datetime, by: User | None, unit: Unit
    ) -> None:
        inquiry = case.inquiry
        rng = self.rng
        inquiry.status = Status.ANSWERED
        if rng.random() < 0.12:
            follow = answered + dt.timedelta(hours=rng.randint(2, 30))
            if follow < self.now - dt.timedelta(hours=1):
                self._message(
                    case, Direction.IN, rng.choice(FOLLOW_UPS), follow, ext=f"{inquiry.code}-2"
                )
                inquiry.last_inbound_at = follow
                second = follow + dt.timedelta(hours=rng.randint(1, 20))
                if second < self.now:
                    self._answer(case, FOLLOW_UP_ANSWER, second, by, unit)
                    inquiry.answered_at = second
                else:
                    inquiry.status = Status.ASSIGNED if inquiry.assignee else Status.NEW
                    inquiry.reply_due = follow + dt.timedelta(hours=inquiry.response_hours)
                    self._event(case, EventKind.REOPENED, follow)
                    return
        assert inquiry.answered_at is not None
        closing = inquiry.answered_at + dt.timedelta(days=rng.randint(1, 7))
        if closing < self.now and rng.random() < 0.75:
            inquiry.status = Status.CLOSED
            inquiry.closed_at = closing
            self._event(case, EventKind.CLOSED, closing, actor=by)


def _canned(province: Unit) -> list[CannedAnswer]:
    return [
        CannedAnswer(unit=province, title=title, category=category, body=body)
        for title, category, body in CANNED
    ]


@transaction.atomic
def seed_demo_inquiries(*, seed: int, now: dt.datetime, count: int = DEFAULT_COUNT) -> int:
    """Write ``count`` demo inquiries (and the province's canned answers); returns how many."""
    builder = _Builder(seed=seed, now=now)
    cases = [builder.build(i) for i in range(count)]
    Inquiry.objects.bulk_create([c.inquiry for c in cases], batch_size=500)
    contacts, messages, events = [], [], []
    for case in cases:
        if case.contact is not None:
            case.contact.inquiry = case.inquiry
            case.contact.refresh_name_folded()  # bulk_create skips save()
            contacts.append(case.contact)
        for message in case.messages:
            message.inquiry = case.inquiry
            messages.append(message)
        for event in case.events:
            event.inquiry = case.inquiry
            events.append(event)
    InquiryContact.objects.bulk_create(contacts, batch_size=1000)
    Message.objects.bulk_create(messages, batch_size=1000)
    InquiryEvent.objects.bulk_create(events, batch_size=1000)
    outbound = []
    for case in cases:
        for index, row in case.outbound:
            row.message = case.messages[index]
            outbound.append(row)
    OutboundReply.objects.bulk_create(outbound, batch_size=1000)
    if not CannedAnswer.objects.filter(unit=builder.province).exists():
        CannedAnswer.objects.bulk_create(_canned(builder.province))
    return len(cases)


def ensure_demo_inquiries(*, log: Any = None, seed: int = DEFAULT_SEED) -> int:
    """For ``lantoa demo``: the demo inquiries, once, timed around now (so some are overdue
    when the demo starts); 0 when the database already has inquiries."""
    if Inquiry.objects.exists():
        return 0
    count = seed_demo_inquiries(seed=seed, now=timezone.now())
    if log is not None:
        log(f"Đã tạo {format_int(count)} câu hỏi, phản ánh mẫu của người lao động.")
    return count


__all__: Sequence[str] = ("TEMPLATES", "ensure_demo_inquiries", "seed_demo_inquiries")
