#!/usr/bin/env python3
"""Writes the import fixtures: portfolio files shaped like real exports from
Wind, Choice, iFinD, Bloomberg, custodians and Excel. Standard library only.
Run from this folder: python3 make_fixtures.py"""
import io, zipfile
from xml.sax.saxutils import escape

ROWS = [  # ticker, name, weight %, description
    ("600276", "恒瑞医药", "30", "创新药与仿制药"),
    ("300760", "迈瑞医疗", "25", "监护仪与超声影像"),
    ("2269.HK", "药明生物", "20", "生物药CDMO"),
    ("ISRG", "Intuitive Surgical", "15", "da Vinci surgical robots"),
    ("603882", "金域医学", "10", "第三方医学检验"),
]

def csv(rows, delimiter=",", newline="\n"):
    out = []
    for row in rows:
        cells = []
        for cell in row:
            if any(c in cell for c in (delimiter, '"', "\n", "\r")):
                cell = '"' + cell.replace('"', '""') + '"'
            cells.append(cell)
        out.append(delimiter.join(cells))
    return newline.join(out) + newline

def write(name, text, encoding="utf-8", bom=b""):
    with open(name, "wb") as f:
        f.write(bom + text.encode(encoding))

BASE = [("ticker", "name", "weight", "description")] + [(t, n, w + "%", d) for t, n, w, d in ROWS]

# ---------------------------------------------------------------- well-formed
write("utf8.csv", csv(BASE))
write("utf8-bom-crlf.csv", csv(BASE, newline="\r\n"), bom=b"\xef\xbb\xbf")
write("gb18030.csv", csv(BASE), "gb18030")
write("utf16le-tab.txt", csv(BASE, "\t", "\r\n"), "utf-16-le", b"\xff\xfe")
write("utf16be.csv", csv(BASE), "utf-16-be", b"\xfe\xff")
write("semicolon.csv", csv(BASE, ";"))
write("tab.tsv", csv(BASE, "\t"))
write("pipe.txt", csv(BASE, "|"))
write("cr-only.csv", csv(BASE, newline="\r"))
write("trailing-delimiters.csv", "".join(line + ",\n" for line in csv(BASE).splitlines()))
write("blank-lines.csv", "\n" + csv(BASE).replace("\n", "\n\n", 2) + "\n  \n")
write("fractions.csv", csv([BASE[0]] + [(t, n, str(int(w) / 100), d) for t, n, w, d in ROWS]))
write("market-value-only.csv", csv([("证券代码", "证券简称", "持仓市值(元)")] + [(t, n, f"{int(w) * 1000000:,}") for t, n, w, _ in ROWS]))
write("chinese-headers.csv", csv([("证券代码", "证券简称", "持仓占比(%)", "主营业务")] + [(t, n, w, d) for t, n, w, d in ROWS]))
write("fullwidth.csv", csv([("证券代码", "证券简称", "占净值比（％）")] + [(t.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"}), n, w.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})) for t, n, w, _ in ROWS]))
write("quoted-embedded.csv", csv([BASE[0]] + [(t, n + ", Inc." if t == "ISRG" else n, w + "%", d + '\n说明："重点"') for t, n, w, d in ROWS], newline="\r\n"))
# Wind-style export: title lines, market values in 元, totals and a source note.
write("wind-export.csv", csv([
    ("某医药主题基金 2026年三季度报告 持仓明细",),
    ("单位：元",),
    ("代码", "名称", "持仓市值(元)", "占净值比(%)"),
] + [(t, n, f"{int(w) * 1234567:,}", w) for t, n, w, _ in ROWS] + [
    ("合计", "", f"{100 * 1234567:,}", "100"),
    ("数据来源：Wind",),
]), "gb18030")
# Choice-style: market values with 万/亿 units.
write("choice-units.csv", csv([("证券代码", "证券简称", "市值")] + [
    ("600276", "恒瑞医药", "3.0亿"), ("300760", "迈瑞医疗", "2.5亿"), ("2269.HK", "药明生物", "20,000万"),
    ("ISRG", "Intuitive Surgical", "15000万元"), ("603882", "金域医学", "1亿"),
]), "gb18030")
# Bloomberg-style tickers and headers.
write("bloomberg.csv", csv([("Ticker", "Name", "% Wgt", "Business Description")] + [
    ("600276 CH Equity", "JIANGSU HENGRUI MEDICINE-A", "30", "Innovative and generic drugs"),
    ("300760 CH Equity", "SHENZHEN MINDRAY BIO-MEDIC-A", "25", "Patient monitors and ultrasound"),
    ("2269 HK Equity", "WUXI BIOLOGICS CAYMAN INC", "20", "Biologics CDMO"),
    ("ISRG US Equity", "INTUITIVE SURGICAL INC", "15", "Robotic-assisted surgical systems"),
    ("603882 CH Equity", "GUANGZHOU KINGMED DIAGNOSTI-A", "10", "Independent clinical laboratory"),
]))
# Custodian-style: ISINs (valid check digits) and market values.
def isin(body):
    digits = "".join(str(int(c, 36)) for c in body)
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d)
        if i % 2 == 0:
            n *= 2
            n = n - 9 if n > 9 else n
        total += n
    return body + str((10 - total % 10) % 10)
write("custodian-isin.csv", csv([("ISIN", "Security Description", "Market Value", "Country")] + [
    (isin("CNE0000014W"), "JIANGSU HENGRUI", "3,000,000.00", "CN"),
    (isin("US0378331005"[:11]), "APPLE INC (TEST ROW)", "1,000,000.00", "US"),
]))
write("multi-portfolio.csv", csv([("组合", "证券代码", "证券简称", "权重")] + [
    ("医疗A", "600276", "恒瑞医药", "60"), ("医疗A", "300760", "迈瑞医疗", "40"),
    ("医疗B", "ISRG", "Intuitive Surgical", "50"), ("医疗B", "603882", "金域医学", "50"),
]))
write("duplicates.csv", csv([("ticker", "name", "weight")] + [
    ("600276", "恒瑞医药", "20%"), ("300760", "迈瑞医疗", "50%"), ("600276.SH", "恒瑞医药", "30%"),
]))

# ---------------------------------------------------------------- malformed
HEADER = ("ticker", "name", "weight", "description")
def bad(name, row, extra_header=HEADER, fourth=("创新药", "监护仪")):
    rows = [extra_header, ("600276", "恒瑞医药", "50%", fourth[0]), row, ("300760", "迈瑞医疗", "30%", fourth[1])]
    write(name, csv(rows))
bad("bad-weight.csv", ("2269.HK", "药明生物", "abc", "CDMO"))
bad("nan-weight.csv", ("2269.HK", "药明生物", "NaN", "CDMO"))
bad("div0-weight.csv", ("2269.HK", "药明生物", "#DIV/0!", "CDMO"))
bad("negative-weight.csv", ("2269.HK", "药明生物", "(5%)", "CDMO"))
bad("blank-weight.csv", ("2269.HK", "药明生物", "", "CDMO"))
bad("over-100.csv", ("2269.HK", "药明生物", "150%", "CDMO"))
bad("extra-fields.csv", ("2269.HK", "药明生物", "20%", "CDMO", "surplus"))
bad("no-identifier.csv", ("", "", "20%", "CDMO"))
bad("bad-isin.csv", ("US0378331006", "Apple", "20%", "test"))
bad("unknown-segment.csv", ("2269.HK", "药明生物", "20%", "surgical-robot:1"), ("ticker", "name", "weight", "segments"), ("innovative-drugs:1", "life-support:1"))
bad("bad-origin.csv", ("2269.HK", "药明生物", "20%", "Mars"), ("ticker", "name", "weight", "origin"), ("CN", "中国"))
bad("bad-china-share.csv", ("2269.HK", "药明生物", "20%", "150%"), ("ticker", "name", "weight", "china_revenue_share"), ("90%", "0.6"))
write("unterminated-quote.csv", csv([HEADER, ("600276", "恒瑞医药", "50%", "创新药")]) + '2269.HK,药明生物,20%,"CDMO\n300760,迈瑞医疗,30%,监护仪\n')
with open("invalid-utf8.csv", "wb") as f:
    f.write(csv([HEADER, ("600276", "恒瑞医药", "50%", "创新药")]).encode() + b"2269.HK,\xe8\x8d\xaf\xff\xfe,20%,CDMO\n" + "300760,迈瑞医疗,30%,监护仪\n".encode())
with open("invalid-gb18030.csv", "wb") as f:
    f.write(csv([HEADER, ("600276", "恒瑞医药", "50%", "创新药")]).encode("gb18030") + b"2269.HK,\xd2\xa9\xff,20%,CDMO\n" + "300760,迈瑞医疗,30%,监护仪\n".encode("gb18030"))
write("long-row.csv", csv([HEADER, ("600276", "恒瑞医药", "50%", "创新药"), ("2269.HK", "药明生物", "20%", "x" * 400), ("300760", "迈瑞医疗", "30%", "监护仪")]))
write("missing-weight-column.csv", csv([("证券代码", "证券简称", "行业")] + [(t, n, "医药") for t, n, _, _ in ROWS]))
write("duplicate-column.csv", csv([("ticker", "代码", "weight")] + [(t, t, w) for t, _, w, _ in ROWS]))
write("empty.csv", "")
write("title-only.csv", "某基金持仓\n\n单位：元\n")
with open("not-a-workbook.xlsx", "wb") as f:
    f.write(b"PK\x03\x04 this is not a zip archive")

# ---------------------------------------------------------------- workbook
def sheet_xml(rows):
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>']
    for r, row in enumerate(rows, start=1):
        out.append(f'<row r="{r}">')
        for c, (kind, value) in enumerate(row):
            ref = chr(65 + c) + str(r)
            if kind == "s":
                out.append(f'<c r="{ref}" t="s"><v>{value}</v></c>')
            elif kind == "n":
                out.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                out.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>')
        out.append("</row>")
    out.append("</sheetData></worksheet>")
    return "".join(out)

strings = []
def s(text):
    if text not in strings:
        strings.append(text)
    return ("s", strings.index(text))
holdings = [[s("ticker"), s("name"), s("weight"), s("description")]] + [
    [("n", t) if t.isdigit() else s(t), s(n), ("n", int(w) / 100), s(d)] for t, n, w, d in ROWS]
notes = [[("i", "说明"), ("i", "本表仅供测试")]]
parts = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="持仓明细" sheetId="1" r:id="rId1"/><sheet name="Notes" sheetId="2" r:id="rId2"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    "xl/worksheets/sheet1.xml": sheet_xml(holdings),
    "xl/worksheets/sheet2.xml": sheet_xml(notes),
}
parts["xl/sharedStrings.xml"] = '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + "".join(f"<si><t>{escape(x)}</t></si>" for x in strings) + "</sst>"
with zipfile.ZipFile("workbook.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
    for name in ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/sharedStrings.xml"]:
        z.writestr(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), parts[name])

# ---------------------------------------------------------------- zip bombs
# The workbook above with a first sheet of 100 MiB of spaces after its rows,
# compressed about a thousand times. One declares its true size; the other
# declares 64 KiB in its headers, as a crafted bomb would to pass a size check.
import struct, zlib
def deflated_spaces(total):
    """A raw deflate stream of `total` spaces: one 1 MiB block, fully flushed
    (so it refers to nothing before it), repeated, then an empty final block."""
    mib = 1 << 20
    block = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = block.compress(b" " * mib) + block.flush(zlib.Z_FULL_FLUSH)
    return chunk * (total // mib) + b"\x03\x00"
def bomb(name, declared=None):
    sheet = sheet_xml(holdings).encode()
    head, tail = sheet[: sheet.index(b"</sheetData>")], sheet[sheet.index(b"</sheetData>") :]
    spaces = 100 << 20
    body = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = body.compress(head) + body.flush(zlib.Z_FULL_FLUSH)
    data += deflated_spaces(spaces)[:-2]
    tail_block = zlib.compressobj(9, zlib.DEFLATED, -15)
    data += tail_block.compress(tail) + tail_block.flush()
    crc = zlib.crc32(tail, zlib.crc32(b" " * spaces, zlib.crc32(head)))
    size = len(head) + spaces + len(tail) if declared is None else declared
    files = [(n, parts[n].encode(), None) for n in parts if n != "xl/worksheets/sheet1.xml"]
    out, central = b"", b""
    for member, raw, packed in files + [("xl/worksheets/sheet1.xml", None, data)]:
        if packed is None:
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            packed, crc_m, size_m = c.compress(raw) + c.flush(), zlib.crc32(raw), len(raw)
        else:
            crc_m, size_m = crc, size
        encoded = member.encode()
        header = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x5C21, crc_m, len(packed), size_m, len(encoded), 0)
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x5C21, crc_m, len(packed), size_m, len(encoded), 0, 0, 0, 0, 0, len(out)) + encoded
        out += header + encoded + packed
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(files) + 1, len(files) + 1, len(central), len(out), 0)
    with open(name, "wb") as f:
        f.write(out + central + end)
bomb("bomb.xlsx")
bomb("bomb-understated.xlsx", declared=64 << 10)
print("fixtures written")
