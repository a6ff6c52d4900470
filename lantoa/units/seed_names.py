"""Word lists for the sample data of ``lantoa seed``.

All employer, person and place names made from these lists are invented; only province
names (from ``data/provinces-2025.csv``) and a few well-known place names of Thái Nguyên,
used by the demo, are real.
"""

from __future__ import annotations

# Short, stable codes of the 34 provinces and cities after the 2025 merger, plus Bắc Kạn,
# which the demo creates and then merges into Thái Nguyên.
PROVINCE_CODES = {
    "An Giang": "AG", "Bắc Ninh": "BN", "Cao Bằng": "CB", "Cà Mau": "CM", "Cần Thơ": "CT",
    "Gia Lai": "GL", "Huế": "HUE", "Hà Nội": "HN", "Hà Tĩnh": "HT", "Hưng Yên": "HY",
    "Hải Phòng": "HP", "Hồ Chí Minh": "HCM", "Khánh Hòa": "KH", "Lai Châu": "LC",
    "Lào Cai": "LCA", "Lâm Đồng": "LD", "Lạng Sơn": "LS", "Nghệ An": "NA", "Ninh Bình": "NB",
    "Phú Thọ": "PT", "Quảng Ngãi": "QNG", "Quảng Ninh": "QN", "Quảng Trị": "QT", "Sơn La": "SL",
    "Thanh Hóa": "TH", "Thái Nguyên": "TN", "Tuyên Quang": "TQ", "Tây Ninh": "TNI",
    "Vĩnh Long": "VL", "Điện Biên": "DB", "Đà Nẵng": "DN", "Đắk Lắk": "DL", "Đồng Nai": "DNA",
    "Đồng Tháp": "DT", "Bắc Kạn": "BK",
}

FAMILY_NAMES = (
    ("Nguyễn", 30), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Vũ", 4), ("Đặng", 3),
    ("Bùi", 3), ("Đỗ", 3), ("Hồ", 2), ("Ngô", 2), ("Dương", 2), ("Lý", 1), ("Ma", 1),
    ("Nông", 1), ("Hà", 2), ("Đinh", 1), ("Lương", 1), ("Triệu", 1), ("Lâm", 1), ("Phan", 2),
    ("Trịnh", 1), ("Đào", 1), ("Cao", 1),
)
MALE_MIDDLE = ("Văn", "Đức", "Minh", "Quang", "Hữu", "Thanh", "Xuân", "Mạnh", "Tiến", "Công",
               "Ngọc", "Việt", "Trung", "Duy")
FEMALE_MIDDLE = ("Thị", "Thu", "Ngọc", "Thanh", "Minh", "Hồng", "Kim", "Phương", "Thúy", "Bích",
                 "Mai", "Hải")
MALE_GIVEN = ("Hùng", "Dũng", "Nam", "Tuấn", "Hải", "Long", "Thắng", "Sơn", "Quân", "Huy",
              "Cường", "Bình", "Khánh", "Phong", "Trung", "Đức", "Hiếu", "Toàn", "Tùng", "Việt",
              "Hoàng", "Kiên", "Lâm", "Thành", "Vinh", "Hưng", "Đạt", "Nghĩa", "Tài", "Phúc")
FEMALE_GIVEN = ("Hoa", "Lan", "Hương", "Mai", "Hà", "Thảo", "Linh", "Trang", "Huyền", "Yến",
                "Nga", "Phương", "Hạnh", "Dung", "Thủy", "Vân", "Oanh", "Nhung", "Loan", "Hằng",
                "Anh", "Ngọc", "Quỳnh", "Chi", "Thư", "Hiền", "Giang", "Liên", "Duyên", "Tâm")

# Syllables for invented place names (xã, phường, khu công nghiệp) outside the demo province.
PLACE_FIRST = ("Tân", "Hòa", "An", "Phú", "Bình", "Long", "Thạnh", "Đông", "Tây", "Nam",
               "Bắc", "Hưng", "Thịnh", "Xuân", "Phước", "Vĩnh", "Quang", "Minh", "Đức",
               "Trung", "Hiệp", "Thuận", "Yên", "Đại", "Tiên", "Mỹ", "Hoài", "Thái", "Kim",
               "Lạc", "Cẩm", "Hải", "Sơn", "Thượng", "Hạ", "Phong", "Tam", "Ngọc")
PLACE_SECOND = ("Thành", "Lợi", "Hòa", "Phú", "Bình", "An", "Sơn", "Hà", "Giang", "Lộc",
                "Hưng", "Thịnh", "Xuân", "Phong", "Tiến", "Định", "Hải", "Lâm", "Điền",
                "Khánh", "Mỹ", "Thủy", "Vinh", "Quý", "Hiệp", "Trung", "Phước", "Tân",
                "Long", "Nghĩa", "Đông", "Tây", "Thạch", "Hợp", "Dương", "Cường")

# Demo province: real ward/commune and industrial-zone names of Thái Nguyên.
THAI_NGUYEN_COMMUNES = (
    ("phường", "Phan Đình Phùng"), ("phường", "Gia Sàng"), ("phường", "Phổ Yên"),
    ("phường", "Sông Công"), ("xã", "Đại Từ"), ("xã", "Phú Bình"), ("phường", "Tích Lương"),
    ("phường", "Quyết Thắng"), ("phường", "Quan Triều"), ("phường", "Linh Sơn"),
    ("phường", "Bách Quang"), ("phường", "Trung Thành"), ("phường", "Vạn Xuân"),
    ("xã", "Đồng Hỷ"), ("xã", "Võ Nhai"), ("xã", "Định Hóa"), ("xã", "Phú Lương"),
    ("xã", "Tân Khánh"), ("xã", "Điềm Thụy"), ("xã", "La Hiên"), ("xã", "Quân Chu"),
)
THAI_NGUYEN_ZONES = ("KCN Yên Bình", "KCN Điềm Thụy", "KCN Sông Công I", "KCN Sông Công II",
                     "KCN Nam Phổ Yên", "KCN Quyết Thắng", "KCN Tây Phổ Yên")
BAC_KAN_COMMUNES = (("phường", "Đức Xuân"), ("phường", "Bắc Kạn"), ("xã", "Chợ Đồn"),
                    ("xã", "Ba Bể"), ("xã", "Na Rì"), ("xã", "Bạch Thông"))

STREETS = ("Hoàng Văn Thụ", "Lương Ngọc Quyến", "Phan Đình Phùng", "Quang Trung", "Cách Mạng "
           "Tháng Tám", "Trần Hưng Đạo", "Lê Lợi", "Nguyễn Trãi", "Hùng Vương", "Bắc Kạn",
           "Minh Cầu", "Đội Cấn", "Lý Thường Kiệt", "Nha Trang", "Thống Nhất", "Việt Bắc",
           "Lê Duẩn", "Tố Hữu", "Z115", "Chu Văn An", "Ngô Quyền", "Trần Phú", "Võ Nguyên Giáp",
           "Điện Biên Phủ", "Hai Bà Trưng", "Nguyễn Du", "Lê Quý Đôn", "Bến Oánh", "Dương Tự Minh")
SCHOOL_PATRONS = ("Phan Đình Phùng", "Lương Ngọc Quyến", "Lê Quý Đôn", "Nguyễn Trãi",
                  "Chu Văn An", "Ngô Quyền", "Trần Phú", "Hoàng Văn Thụ", "Nguyễn Du",
                  "Lý Tự Trọng", "Võ Thị Sáu", "Kim Đồng", "Lê Hồng Phong", "Nguyễn Huệ",
                  "Trần Quốc Toản", "Đội Cấn", "Dương Tự Minh", "Nguyễn Bỉnh Khiêm",
                  "Tô Hiệu", "Hai Bà Trưng", "Bế Văn Đàn", "Lê Văn Tám", "Trưng Vương")
SCHOOL_LEVELS = (("Trường Mầm non", 30), ("Trường Tiểu học", 30), ("Trường THCS", 25),
                 ("Trường THPT", 12), ("Trường Phổ thông Dân tộc Nội trú", 2),
                 ("Trường Tiểu học và THCS", 6))

COMPANY_FORMS = (("Công ty TNHH", 45), ("Công ty CP", 30), ("Công ty TNHH MTV", 12),
                 ("Doanh nghiệp tư nhân", 3), ("Hợp tác xã", 4), ("Tổng công ty", 1))
BRANDS = ("Hưng Phát", "Thành Đạt", "Minh Long", "Phú Thịnh", "Đại Việt", "An Khang",
          "Hoàng Gia", "Tân Tiến", "Việt Hưng", "Sao Mai", "Hải Nam", "Trường Thành",
          "Bình Minh", "Đông Á", "Quang Minh", "Thái Hà", "Hòa Bình", "Nam Việt", "Kim Long",
          "Phương Đông", "Hồng Hà", "Tiến Đạt", "Thiên Phúc", "Gia Bảo", "Đức Thịnh",
          "Thăng Long", "Phúc An", "Vạn Xuân", "Toàn Thắng", "Hợp Lực", "Song Hành",
          "Ánh Dương", "Bảo Ngọc", "Thịnh Vượng", "Lạc Hồng", "Kiến Phát", "Vĩnh Cửu",
          "Trường An", "Sông Cầu", "Hoàng Long", "Phú Cường", "Nhật Minh", "Vinh Quang",
          "Đồng Tâm", "Tân Phú", "Khải Hoàn", "Hòa Phát Đạt", "Gang Thép", "Núi Cốc", "Tam Đảo")
# (industry word in the employer name, sector recorded on the unit)
INDUSTRIES = (
    ("May mặc", "Dệt may"), ("Dệt may", "Dệt may"), ("Giày da", "Da giày"),
    ("Cơ khí", "Cơ khí"), ("Cơ khí chế tạo", "Cơ khí"), ("Điện tử", "Điện tử"),
    ("Linh kiện điện tử", "Điện tử"), ("Thực phẩm", "Chế biến thực phẩm"),
    ("Chè", "Chế biến nông sản"), ("Xây dựng", "Xây dựng"), ("Vật liệu xây dựng", "Xây dựng"),
    ("Thương mại và Dịch vụ", "Thương mại, dịch vụ"), ("Vận tải", "Giao thông vận tải"),
    ("Chế biến gỗ", "Lâm nghiệp, chế biến gỗ"), ("Nhựa", "Hóa chất, nhựa"),
    ("Bao bì", "Hóa chất, nhựa"), ("Dược phẩm", "Dược phẩm"), ("Khoáng sản", "Khai khoáng"),
    ("Điện lực", "Điện lực"), ("Cấp nước", "Môi trường, cấp nước"),
    ("Môi trường đô thị", "Môi trường, cấp nước"), ("In", "Thông tin, truyền thông"),
)
# Foreign-invested firms in industrial zones: invented names in the usual shapes.
FOREIGN_STEMS = ("Hanwoo", "Daeshin", "Shinwoo", "Seojin", "Myungsung", "Hyosan", "Kumho Tec",
                 "Sungjin", "Dongyang", "Jinwon", "Yoshida", "Nakamura", "Hitomi", "Takeda Seiki",
                 "Minato", "Fuyo", "Sanko", "Kyoei", "Hoa Thịnh Vina", "Fulin", "Jiahe",
                 "Ever Bright", "Golden Sun", "Taiyo", "Poongsan", "Samil", "Woojin", "Haesung")
FOREIGN_PRODUCTS = (("Electronics Việt Nam", "Điện tử"), ("Vina", "Điện tử"),
                    ("Precision Việt Nam", "Cơ khí"), ("Textile Việt Nam", "Dệt may"),
                    ("Apparel Vina", "Dệt may"), ("Mold Vina", "Cơ khí"),
                    ("Display Việt Nam", "Điện tử"), ("Components Việt Nam", "Điện tử"),
                    ("Packaging Vina", "Hóa chất, nhựa"), ("Footwear Việt Nam", "Da giày"))

AGENCIES = ("Sở Tài chính", "Sở Nội vụ", "Sở Tư pháp", "Sở Xây dựng", "Sở Khoa học và Công nghệ",
            "Sở Văn hóa, Thể thao và Du lịch", "Sở Công Thương", "Sở Nông nghiệp và Môi trường",
            "Sở Dân tộc và Tôn giáo", "Sở Ngoại vụ", "Văn phòng Ủy ban nhân dân tỉnh",
            "Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân tỉnh", "Thanh tra tỉnh",
            "Bảo hiểm xã hội tỉnh", "Kho bạc Nhà nước", "Thuế tỉnh",
            "Ban Quản lý các khu công nghiệp tỉnh", "Trường Chính trị tỉnh",
            "Trung tâm Phục vụ hành chính công tỉnh", "Quỹ Đầu tư phát triển tỉnh",
            "Thư viện tỉnh", "Bảo tàng tỉnh", "Trung tâm Văn hóa nghệ thuật tỉnh",
            "Trung tâm Dịch vụ việc làm tỉnh")
HOSPITAL_KINDS = ("Bệnh viện Đa khoa", "Trung tâm Y tế", "Bệnh viện Y học cổ truyền",
                  "Bệnh viện Phục hồi chức năng", "Bệnh viện Lao và Bệnh phổi",
                  "Bệnh viện Tâm thần", "Bệnh viện Sản Nhi", "Bệnh viện Mắt",
                  "Trung tâm Kiểm soát bệnh tật", "Trung tâm Pháp y", "Bệnh viện Quốc tế")
SECTORS = ("Giáo dục", "Y tế", "Công Thương", "Nông nghiệp và Môi trường", "Xây dựng",
           "Tài chính", "Văn hóa, Thể thao và Du lịch")

COMMUNICATOR_POSITIONS_UPPER = (
    ("Chủ tịch", "briefer"), ("Phó Chủ tịch", "both"), ("Trưởng Ban Tuyên giáo", "both"),
    ("Phó Trưởng Ban Tuyên giáo", "communicator"), ("Chuyên viên Ban Tuyên giáo", "communicator"),
    ("Chuyên viên Văn phòng", "communicator"), ("Trưởng Ban Chính sách – Pháp luật", "briefer"),
)
COMMUNICATOR_POSITIONS_GRASSROOTS = (
    ("Chủ tịch Công đoàn cơ sở", "both"), ("Phó Chủ tịch Công đoàn cơ sở", "communicator"),
    ("Ủy viên Ban Chấp hành", "communicator"), ("Tổ trưởng công đoàn", "communicator"),
)
TRAININGS = (
    ("Tập huấn kỹ năng truyền thông trên mạng xã hội năm 2025", (2025, 5, 20), 16),
    ("Bồi dưỡng nghiệp vụ báo cáo viên, tuyên truyền viên năm 2025", (2025, 9, 12), 8),
    ("Tập huấn sản xuất video ngắn và phát trực tiếp cho cán bộ công đoàn năm 2026",
     (2026, 3, 18), 8),
)
OLD_PROVINCE_TRAINING = (
    "Tập huấn nghiệp vụ công tác tuyên giáo công đoàn năm 2024", (2024, 10, 8), 8,
)
