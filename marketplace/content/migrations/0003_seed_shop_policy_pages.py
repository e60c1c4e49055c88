"""Data: the pages every shop needs (contact, operating regulations, privacy, returns, shipping, "OCOP là gì?"),
linked from the storefront's footer and the `footer` menu. Staff edit them in the admin afterwards; this only
creates pages that do not exist yet, so it never overwrites their edits.

Placeholders such as [[so_ngay_doi_tra]] are filled by the page view from settings (storefront.page_views), so
the text quotes the same numbers the code enforces."""

from django.db import migrations

CONTACT = """<p>Chợ OCOP luôn sẵn sàng hỗ trợ người mua, chủ thể OCOP và cơ quan quản lý.</p>
<h2>Hỗ trợ người mua</h2>
<ul>
<li>Hỏi về đơn hàng, đổi trả, hoàn tiền: gửi thư tới địa chỉ e-mail ghi ở chân trang, kèm mã đơn hàng.</li>
<li>Giờ làm việc: 8:00–17:00, thứ Hai đến thứ Sáu (trừ ngày lễ).</li>
<li>Thắc mắc về một sản phẩm: dùng thông tin liên hệ của người bán trên trang sản phẩm.</li>
</ul>
<h2>Dành cho chủ thể OCOP</h2>
<p>Hợp tác xã, doanh nghiệp và hộ sản xuất có sản phẩm được công nhận OCOP từ 3 sao muốn bán trên Chợ OCOP
vui lòng liên hệ bộ phận hỗ trợ người bán qua e-mail ở chân trang, kèm quyết định công nhận OCOP.</p>
<h2>Báo cáo sản phẩm vi phạm</h2>
<p>Nếu bạn thấy sản phẩm ghi sai hạng sao, hết hạn chứng nhận hoặc có dấu hiệu hàng giả, hãy kiểm tra mã trên tem
QR tại trang kiểm tra chứng nhận và báo cho chúng tôi. Chúng tôi sẽ tạm ẩn sản phẩm trong khi xác minh.</p>"""

REGULATIONS = """<p>Quy chế này áp dụng cho người bán và người mua trên sàn giao dịch thương mại điện tử Chợ OCOP, theo
Nghị định 52/2013/NĐ-CP về thương mại điện tử (sửa đổi bởi Nghị định 85/2021/NĐ-CP) và Luật Bảo vệ quyền lợi người
tiêu dùng 2023.</p>
<h2>1. Nguyên tắc chung</h2>
<ul>
<li>Chợ OCOP là sàn giao dịch: người bán là các chủ thể OCOP (hợp tác xã, doanh nghiệp, hộ sản xuất) tự chịu trách
nhiệm về sản phẩm, giá và việc giao hàng; Chợ OCOP cung cấp nền tảng, thu hộ tiền và giải quyết khiếu nại.</li>
<li>Chỉ sản phẩm có quyết định công nhận OCOP từ 3 sao của UBND cấp tỉnh còn hiệu lực mới được bán. Sản phẩm hết hạn
hoặc bị thu hồi chứng nhận tự động ngừng bán.</li>
</ul>
<h2>2. Quyền và nghĩa vụ của người bán</h2>
<ul>
<li>Cung cấp thông tin đúng về tên, địa chỉ, mã số đăng ký kinh doanh, sản phẩm, giá và khối lượng.</li>
<li>Giao đúng hàng đã mô tả, xác nhận và gửi hàng đúng hạn, nhận lại hàng theo chính sách đổi trả.</li>
<li>Không bán hàng giả, hàng cấm, hàng không rõ nguồn gốc; không ghi hạng sao OCOP không có thật.</li>
</ul>
<h2>3. Quyền và nghĩa vụ của người mua</h2>
<ul>
<li>Được cung cấp thông tin đầy đủ, trung thực về sản phẩm, giá, phí giao hàng và điều kiện đổi trả trước khi đặt.</li>
<li>Được đổi trả và hoàn tiền theo chính sách đổi trả; được khiếu nại và được giải quyết.</li>
<li>Cung cấp đúng thông tin nhận hàng và thanh toán đơn hàng đã đặt.</li>
</ul>
<h2>4. Thanh toán</h2>
<p>Người mua có thể trả tiền khi nhận hàng, chuyển khoản ngân hàng hoặc thẻ. Chợ OCOP thu hộ và chuyển tiền cho
người bán sau khi hết thời hạn đổi trả, đã trừ phí dịch vụ.</p>
<h2>5. Giải quyết khiếu nại</h2>
<ol>
<li>Người mua gửi yêu cầu từ trang đơn hàng hoặc qua e-mail hỗ trợ.</li>
<li>Người bán trả lời trong vòng 2 ngày làm việc.</li>
<li>Nếu hai bên không thống nhất, Chợ OCOP xem xét chứng cứ và quyết định trong vòng 5 ngày làm việc.</li>
<li>Hai bên vẫn có quyền đưa tranh chấp ra cơ quan nhà nước có thẩm quyền.</li>
</ol>
<h2>6. Xử lý vi phạm</h2>
<p>Người bán vi phạm có thể bị ẩn sản phẩm, tạm khóa hoặc chấm dứt tài khoản; thông tin vi phạm pháp luật được báo
cho cơ quan chức năng.</p>"""

PRIVACY = """<p>Chợ OCOP thu thập và xử lý dữ liệu cá nhân theo Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân.</p>
<h2>Dữ liệu chúng tôi thu thập</h2>
<ul>
<li>Tên, số điện thoại, e-mail và địa chỉ nhận hàng bạn nhập khi đặt hàng hoặc đăng ký tài khoản.</li>
<li>Lịch sử đơn hàng, đánh giá và yêu cầu đổi trả.</li>
<li>Địa chỉ IP và nhật ký truy cập để chống gian lận và bảo đảm an toàn hệ thống.</li>
</ul>
<p>Chúng tôi không lưu số thẻ thanh toán: thẻ được xử lý bởi đơn vị trung gian thanh toán.</p>
<h2>Mục đích sử dụng</h2>
<ul>
<li>Xử lý, giao đơn hàng và hoàn tiền.</li>
<li>Gửi thông báo về đơn hàng của bạn.</li>
<li>Giải quyết khiếu nại và thực hiện nghĩa vụ pháp lý (kế toán, thuế).</li>
</ul>
<h2>Chia sẻ dữ liệu</h2>
<p>Người bán chỉ nhận tên, số điện thoại và địa chỉ cần để giao phần đơn của họ. Chúng tôi không bán dữ liệu cá nhân
cho bên thứ ba.</p>
<h2>Quyền của bạn</h2>
<p>Bạn có quyền xem, sửa, yêu cầu xóa dữ liệu của mình hoặc rút lại sự đồng ý bằng cách liên hệ e-mail hỗ trợ ở chân
trang. Dữ liệu đơn hàng được lưu theo thời hạn pháp luật kế toán yêu cầu.</p>"""

RETURNS = """<p>Chính sách này thực hiện Luật Bảo vệ quyền lợi người tiêu dùng 2023 và Nghị định 55/2024/NĐ-CP về
giao dịch từ xa: người mua được trả hàng và được hoàn tiền theo các bước dưới đây.</p>
<h2>Thời hạn</h2>
<p>Bạn có thể yêu cầu trả hàng trong vòng <strong>[[so_ngay_doi_tra]] ngày</strong> kể từ khi đơn được giao tới bạn.
Tiền hàng chỉ được chuyển cho người bán sau thời hạn này.</p>
<h2>Khi nào được trả hàng</h2>
<ul>
<li>Hàng bị hỏng, vỡ, hết hạn sử dụng hoặc không đúng mô tả, hạng sao OCOP, khối lượng đã đăng.</li>
<li>Giao sai hoặc thiếu sản phẩm.</li>
</ul>
<p>Thực phẩm tươi và hàng đã mở bao bì chỉ được trả khi có lỗi của người bán.</p>
<h2>Các bước trả hàng và hoàn tiền</h2>
<ol>
<li>Mở trang đơn hàng, chọn sản phẩm cần trả, ghi lý do và đính kèm tối đa 3 ảnh.</li>
<li>Người bán đồng ý hoặc từ chối kèm lý do trên kênh người bán.</li>
<li>Nếu người bán từ chối, bạn có thể yêu cầu Chợ OCOP xem xét lại; nhân viên Chợ OCOP quyết định.</li>
<li>Khi yêu cầu được chấp nhận, tiền được hoàn về thẻ đã thanh toán hoặc chuyển khoản về tài khoản bạn cung cấp.
Đơn trả tiền khi nhận hàng được hoàn bằng chuyển khoản.</li>
</ol>
<p>Mỗi bước đều được ghi vào lịch sử đơn hàng để bạn theo dõi.</p>
<h2>Hủy đơn</h2>
<p>Người bán có thể hủy phần đơn chưa gửi kèm lý do; đơn đã thanh toán bị hủy được hoàn toàn bộ tiền, kể cả phí
giao hàng.</p>"""

SHIPPING = """<p>Mỗi chủ thể OCOP tự đóng gói và gửi phần đơn của mình từ nơi sản xuất, nên một đơn có sản phẩm của nhiều
người bán sẽ đến thành nhiều kiện.</p>
<h2>Phí giao hàng</h2>
<ul>
<li>Phí giao hàng tính theo từng người bán: [[phi_giao_hang]] cho mỗi phần đơn.</li>
<li>Miễn phí giao hàng khi tiền hàng của một người bán từ [[mien_phi_giao_tu]] trở lên.</li>
<li>Phí giao hàng được hiển thị trước khi bạn đặt hàng.</li>
</ul>
<h2>Thời gian giao</h2>
<p>Người bán xác nhận đơn trong 1–2 ngày làm việc. Thời gian vận chuyển thường từ 2 đến 6 ngày tùy khoảng cách
giữa tỉnh của người bán và địa chỉ nhận hàng.</p>
<h2>Theo dõi đơn</h2>
<p>Khi người bán gửi hàng, mã vận đơn hiện trên trang đơn hàng của bạn. Nếu hàng đến bị hỏng, hãy chụp ảnh và yêu
cầu trả hàng theo chính sách đổi trả.</p>"""

WHAT_IS_OCOP = """<p><strong>OCOP</strong> (Mỗi xã một sản phẩm – One Commune One Product) là chương trình quốc gia phát triển
sản phẩm đặc trưng của từng địa phương, do các hợp tác xã, doanh nghiệp nhỏ và hộ sản xuất làm ra.</p>
<h2>Hạng sao nghĩa là gì?</h2>
<p>Sản phẩm được hội đồng cấp huyện, tỉnh hoặc trung ương chấm điểm theo bộ tiêu chí về chất lượng, nguồn gốc,
câu chuyện sản phẩm và năng lực sản xuất, rồi xếp từ 1 đến 5 sao:</p>
<ul>
<li><strong>3 sao</strong>: đạt tiêu chuẩn, có thể nâng cấp.</li>
<li><strong>4 sao</strong>: sản phẩm tiêu biểu cấp tỉnh.</li>
<li><strong>5 sao</strong>: sản phẩm tiêu biểu cấp quốc gia.</li>
</ul>
<h2>Vì sao tin được sao trên Chợ OCOP?</h2>
<p>Mỗi hạng sao trên Chợ OCOP dựa trên một quyết định công nhận chính thức (số quyết định, ngày ký, cơ quan ban
hành) và có thời hạn 36 tháng. Sản phẩm hết hạn hoặc bị thu hồi tự động ngừng bán. Bạn có thể quét tem QR trên bao bì
để kiểm tra chứng nhận còn hiệu lực hay không.</p>"""

PAGES = [
    ("ocop-la-gi", "OCOP là gì?", WHAT_IS_OCOP, "Chương trình OCOP và ý nghĩa hạng sao"),
    ("lien-he", "Liên hệ", CONTACT, "Liên hệ hỗ trợ người mua và người bán Chợ OCOP"),
    ("quy-che-hoat-dong", "Quy chế hoạt động", REGULATIONS, "Quy chế hoạt động sàn giao dịch TMĐT Chợ OCOP"),
    ("chinh-sach-bao-mat", "Chính sách bảo mật thông tin", PRIVACY, "Cách Chợ OCOP bảo vệ dữ liệu cá nhân"),
    ("chinh-sach-doi-tra", "Chính sách đổi trả và hoàn tiền", RETURNS, "Trả hàng và hoàn tiền trên Chợ OCOP"),
    ("chinh-sach-van-chuyen", "Chính sách vận chuyển", SHIPPING, "Phí và thời gian giao hàng trên Chợ OCOP"),
]


def seed(apps, schema_editor):
    Page = apps.get_model("content", "Page")
    Menu = apps.get_model("content", "Menu")
    MenuItem = apps.get_model("content", "MenuItem")
    pages = []
    for slug, title, html, description in PAGES:
        page, _ = Page.objects.get_or_create(
            slug=slug,
            defaults={
                "title": title,
                "content": html.replace("\n", " "),
                "is_published": True,
                "seo_description": description,
            },
        )
        pages.append(page)
    footer = Menu.objects.filter(slug="footer").first()
    if footer is not None and not MenuItem.objects.filter(menu=footer, name="Chính sách").exists():
        policies = MenuItem.objects.create(menu=footer, name="Chính sách", sort_order=1)
        for order, page in enumerate(pages):
            MenuItem.objects.create(menu=footer, parent=policies, name=page.title, page=page, sort_order=order)


def unseed(apps, schema_editor):
    apps.get_model("content", "MenuItem").objects.filter(menu__slug="footer", name="Chính sách").delete()
    apps.get_model("content", "Page").objects.filter(slug__in=[slug for slug, *_ in PAGES]).delete()


class Migration(migrations.Migration):
    dependencies = [("content", "0002_seed_navbar_footer_about")]
    operations = [migrations.RunPython(seed, unseed)]
