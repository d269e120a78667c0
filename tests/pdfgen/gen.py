#!/usr/bin/env python3
"""Generate the PDF fixtures of tests/pdf_generated.rs: HTML tables with
known cells, printed to PDF by headless Chromium (Debian: apt-get install
chromium fonts-noto-cjk). The PDFs are committed under fixtures/pdf/, so
`cargo test` does not need this generator; run it again after changing it:

    python3 tests/pdfgen/gen.py

Each document is a short 部门决算 with one or two standard tables whose cells
the test knows: labels wrapped over two or three lines with the figures
centred beside them, merged (row- and column-spanning) header cells, empty
cells, a two-sided 收入 | 支出 table, the same table without any ruling
line, and a table long enough to continue on a second page.
"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "fixtures", "pdf")

STYLE = """
<style>
@page { size: A4; margin: 18mm; }
body { font-family: 'Noto Serif CJK SC', 'Noto Sans CJK SC', serif; font-size: 10.5pt; }
h1 { font-size: 16pt; text-align: center; }
h2 { font-size: 13pt; text-align: center; margin-top: 2em; }
.unit { text-align: right; font-size: 9pt; }
table { border-collapse: collapse; font-size: 9pt; }
table.ruled td, table.ruled th { border: 0.75pt solid #000; padding: 2pt 4pt; }
table.bare td, table.bare th { border: none; padding: 2pt 6pt; }
td.n { text-align: right; vertical-align: middle; }
td.l { width: 5.5em; }
td.wide { width: 16em; }
th { font-weight: normal; }
</style>
"""

# 一般公共预算财政拨款支出决算表: code, name, 合计, 基本支出, 项目支出
GPB = [
    ("201", "一般公共服务支出", "264.87", "62.63", "202.24"),
    ("20139", "社会工作事务", "264.87", "62.63", "202.24"),
    ("2013901", "行政运行", "51.32", "51.32", ""),
    ("2013950", "事业运行", "11.31", "11.31", ""),
    ("2013999", "其他社会工作事务支出", "202.24", "", "202.24"),
    ("208", "社会保障和就业支出", "10.82", "10.82", ""),
    ("20805", "行政事业单位养老支出", "10.82", "10.82", ""),
    ("2080505", "机关事业单位基本养老保险缴费支出", "6.18", "6.18", ""),
    ("2080506", "机关事业单位职业年金缴费支出", "4.64", "4.64", ""),
]
GPB_TOTAL = ("275.69", "73.45", "202.24")


def gpb_table(cls, label_cls, rows=GPB, total=GPB_TOTAL):
    head = (
        "<tr><th colspan=2>项目</th><th rowspan=2>合计</th><th rowspan=2>基本支出</th>"
        "<th rowspan=2>项目支出</th></tr>"
        "<tr><th>功能分类科目编码</th><th>科目名称</th></tr>"
    )
    body = "".join(
        f"<tr><td>{c}</td><td class={label_cls}>{n}</td><td class=n>{a}</td>"
        f"<td class=n>{b}</td><td class=n>{p}</td></tr>"
        for c, n, a, b, p in rows
    )
    body += (
        f"<tr><td colspan=2 style='text-align:center'>合计</td><td class=n>{total[0]}</td>"
        f"<td class=n>{total[1]}</td><td class=n>{total[2]}</td></tr>"
    )
    return (
        "<h2>一般公共预算财政拨款支出决算表</h2><div class=unit>单位：万元</div>"
        f"<table class={cls}><thead>{head}</thead><tbody>{body}</tbody></table>"
    )


INCOME = [
    ("一、一般公共预算财政拨款收入", "307.82"),
    ("二、政府性基金预算财政拨款收入", ""),
    ("三、国有资本经营预算财政拨款收入", ""),
    ("四、上级补助收入", ""),
    ("五、事业收入", ""),
    ("六、经营收入", ""),
    ("七、附属单位上缴收入", ""),
    ("八、其他收入", ""),
]
SPEND = [
    ("一、一般公共服务支出", "264.87"), ("二、外交支出", ""), ("三、国防支出", ""),
    ("四、公共安全支出", ""), ("五、教育支出", ""), ("六、科学技术支出", ""),
    ("七、文化旅游体育与传媒支出", ""), ("八、社会保障和就业支出", "10.82"),
    ("九、卫生健康支出", "2.71"), ("十、节能环保支出", ""), ("十一、城乡社区支出", ""),
    ("十二、农林水支出", ""), ("十三、交通运输支出", ""),
    ("十四、资源勘探工业信息等支出", ""), ("十五、商业服务业等支出", ""),
    ("十六、金融支出", ""), ("十七、援助其他地区支出", ""),
    ("十八、自然资源海洋气象等支出", ""), ("十九、住房保障支出", "29.42"),
    ("二十、粮油物资储备支出", ""), ("二十一、国有资本经营预算支出", ""),
    ("二十二、灾害防治及应急管理支出", ""), ("二十三、其他支出", ""),
    ("二十四、债务还本支出", ""), ("二十五、债务付息支出", ""),
    ("二十六、抗疫特别国债安排的支出", ""),
]


def two_sided():
    n = len(SPEND)
    rows = []
    for i in range(n):
        a = INCOME[i] if i < len(INCOME) else ("", "")
        b = SPEND[i]
        rows.append((a[0], a[1], b[0], b[1]))
    rows.append(("本年收入合计", "307.82", "本年支出合计", "307.82"))
    rows.append(("使用非财政拨款结余", "", "结余分配", ""))
    rows.append(("年初结转和结余", "", "年末结转和结余", ""))
    rows.append(("总计", "307.82", "总计", "307.82"))
    body = "".join(
        f"<tr><td class=l>{a}</td><td class=n>{x}</td><td class=l>{b}</td><td class=n>{y}</td></tr>"
        for a, x, b, y in rows
    )
    return (
        "<h2>收入支出决算总表</h2><div class=unit>单位：万元</div>"
        "<table class=ruled><thead><tr><th colspan=2>收入</th><th colspan=2>支出</th></tr>"
        "<tr><th>项目</th><th>决算数</th><th>项目</th><th>决算数</th></tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def long_table():
    """Enough rows of codes to run onto a second page; sums kept exact."""
    rows = []
    groups = []
    for k in range(1, 13):
        code = f"213{k:02d}"
        items = []
        for j in range(1, 4):
            cents = 1000 * k + 37 * j
            items.append((f"{code}{j:02d}", f"农业农村项目第{k}类第{j}项", cents))
        s = sum(c for _, _, c in items)
        groups.append((code, f"农业农村第{k}类事务", s, items))
    total = sum(g[2] for g in groups)

    def f(c):
        return f"{c // 100}.{c % 100:02d}"

    rows.append(("213", "农林水支出", f(total), f(total), ""))
    for code, name, s, items in groups:
        rows.append((code, name, f(s), f(s), ""))
        for c, n, v in items:
            rows.append((c, n, f(v), f(v), ""))
    return gpb_table("ruled", "wide", rows, (f(total), f(total), "0.00"))


def doc(title, body):
    return (
        f"<!doctype html><html><head><meta charset=utf-8>{STYLE}</head><body>"
        f"<h1>{title}</h1><p>本部门2024年度决算情况如下。</p>{body}</body></html>"
    )


DOCS = {
    "wrapped": doc("上海市普陀区测试局2024年度部门决算", gpb_table("ruled", "l")),
    "two_sided": doc("上海市普陀区测试局2024年度部门决算", two_sided()),
    "bare": doc("上海市普陀区测试局2024年度部门决算", gpb_table("bare", "wide")),
    "two_pages": doc("上海市普陀区测试局2024年度部门决算", long_table()),
    # One wrong figure: 合计 of 基本支出 printed 73.54 (the rows give 73.45).
    "defect": doc(
        "上海市普陀区测试局2024年度部门决算",
        gpb_table("ruled", "l", GPB, ("275.69", "73.54", "202.24")),
    ),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    chromium = os.environ.get("CHROMIUM", "chromium")
    for name, html in DOCS.items():
        with tempfile.NamedTemporaryFile("w", suffix=".html", delete=False) as f:
            f.write(html)
            src = f.name
        out = os.path.join(OUT, f"{name}.pdf")
        subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu",
             "--no-pdf-header-footer", f"--print-to-pdf={out}", src],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        os.unlink(src)
        print(out, file=sys.stderr)


if __name__ == "__main__":
    main()
