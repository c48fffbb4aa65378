import PolicyModel
import PolicyScoreCore

/// The language of `report.html` and the terminal summary.
///
/// Chinese or English; CSV column names never change with it.
public enum ReportLanguage: String, CaseIterable, Sendable {
  case zh
  case en

  /// The label of `key` in this language; the key itself when unknown.
  func callAsFunction(_ key: String) -> String {
    guard let pair = Self.labels[key] else { return key }
    return self == .zh ? pair.zh : pair.en
  }

  /// A segment's name in this language, from the model.
  func name(of segment: Segment?) -> String {
    guard let segment else { return "" }
    return self == .zh ? segment.nameZH : segment.nameEN
  }

  /// `2026-12-06` → `2026年12月6日` or `6 December 2026`.
  func date(_ day: Day) -> String {
    let parts = day.description.split(separator: "-").compactMap { Int($0) }
    guard parts.count == 3 else { return day.description }
    switch self {
    case .zh: return "\(parts[0])年\(parts[1])月\(parts[2])日"
    case .en:
      let months = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September",
        "October", "November", "December",
      ]
      return "\(parts[2]) \(months[parts[1] - 1]) \(parts[0])"
    }
  }

  /// A share on 0...1 as a percent with `decimals` places: `12.3%`.
  func percent(_ share: Double, decimals: Int = 1) -> String {
    fixed(share * 100, decimals: decimals) + "%"
  }

  /// A tier's name.
  func tier(_ tier: String) -> String { self("tier." + tier) }

  /// A category's name.
  func category(_ category: Category) -> String { self("category." + category.rawValue) }

  static let labels: [String: (en: String, zh: String)] = [
    "title.score": ("Policy exposure of the portfolio", "组合政策评分报告"),
    "title.scenarios": ("Scenarios compared", "情景对比报告"),
    "title.sensitivity": ("How stable the ranking is", "排名稳健性报告"),
    "title.job": ("Periodic scoring job", "定期评分任务报告"),
    "portfolio": ("Portfolio", "组合"),
    "composite": ("Composite", "综合得分"),
    "tier": ("Tier", "档位"),
    "holdings": ("Holdings", "持仓数"),
    "weight": ("Weight", "权重"),
    "scored": ("scored", "已评分"),
    "unmapped": ("unmapped", "未映射"),
    "out-of-scope": ("out of scope", "非医药范围"),
    "rejected": ("rejected", "拒收行"),
    "coverage": ("Mapped", "映射覆盖"),
    "recalled": ("Resting on recalled or assumed facts", "依赖回忆或假设的部分"),
    "recalled.note": (
      "share of the scores' distance from neutral", "占得分偏离中性值的比例"
    ),
    "by-category": ("Exposure by catalogue category", "按目录类别的敞口"),
    "by-domain": ("Exposure by domain", "按领域的敞口"),
    "distribution": ("Distribution of composite scores", "综合得分分布"),
    "top": ("Highest scores", "得分最高"),
    "bottom": ("Lowest scores", "得分最低"),
    "rank": ("Rank", "排名"),
    "ticker": ("Ticker", "代码"),
    "name": ("Name", "名称"),
    "segment": ("Main segment", "主要细分领域"),
    "factors": ("E · F · D", "鼓励·扶持·替代"),
    "reason": ("Main reason", "主要原因"),
    "restricted": ("Restricted and eliminated exposure", "限制类与淘汰类敞口"),
    "restricted.none": ("No holding is in a restricted or eliminated activity.", "没有持仓涉及限制类或淘汰类。"),
    "gap": ("Opportunity gap: high-scoring segments not held", "机会缺口：未持有的高分细分领域"),
    "gap.none": ("Every high-scoring segment is held.", "高分细分领域均已持有。"),
    "mapping": ("Mapping coverage", "映射覆盖"),
    "mapping.line": (
      "%1 of %2 holdings in scope mapped, %3 of their weight; %4 out of scope, %5 unmapped, %6 rows rejected.",
      "范围内 %2 个持仓中映射 %1 个，占其权重 %3；非医药范围 %4 个，未映射 %5 个，拒收 %6 行。"
    ),
    "footer": ("Model", "模型"),
    "edition": ("catalogue edition", "目录版本"),
    "as-of": ("as of", "评估日"),
    "weights": ("weights", "权重"),
    "input": ("input SHA-256", "输入 SHA-256"),
    "model-hash": ("model SHA-256", "模型 SHA-256"),
    "generated": ("written by PolicyScore", "由 PolicyScore 生成"),
    "scenario.composites": ("Composite under each scenario", "各情景下的综合得分"),
    "scenario.movers": ("Biggest movers against the base", "相对基准变动最大的持仓"),
    "scenario": ("Scenario", "情景"),
    "move": ("Rank move", "排名变化"),
    "bands": ("Rank bands under sampled weights and strengths", "权重与强度抽样下的排名区间"),
    "bands.note": (
      "5th to 95th percentile of each holding's rank; the dot is the median.",
      "每个持仓排名的第 5 至第 95 百分位；圆点为中位数。"
    ),
    "history": ("Composite over past runs", "历次运行的综合得分"),
    "history.tiers": ("Holdings by tier in each run", "各次运行的档位分布"),
    "run": ("Run", "运行"),
    "title.backtest": ("Would the scores have helped?", "评分回测"),
    "title.event": ("What the policy did to prices", "政策事件研究"),
    "bt.dates": ("Rebalance dates", "调仓日期数"),
    "bt.holdings": ("Holdings with prices", "有价格的持仓"),
    "bt.ic": ("Mean rank IC by horizon and factor", "各期限、各因子的平均秩 IC"),
    "bt.quantiles": ("Mean excess return by composite quantile", "按综合得分分位的平均超额收益"),
    "bt.summary": ("Information coefficients", "信息系数"),
    "bt.note": (
      "IC: Spearman's correlation of the score with the forward return on each date; t over the dates, inflated when horizons overlap. Every rule is in manifest.json.",
      "IC：每个调仓日评分与未来收益的 Spearman 秩相关；t 值按日期计算，期限重叠时偏大。全部规则见 manifest.json。"
    ),
    "ev.exposed": ("Exposed holdings", "受影响持仓"),
    "ev.others": ("Other holdings", "其他持仓"),
    "ev.day0": ("Day 0", "事件日"),
    "ev.car": ("Mean cumulative abnormal return by window", "各窗口的平均累计超额收益"),
    "ev.table": ("Cumulative abnormal returns", "累计超额收益"),
    "ev.note": (
      "Market-adjusted: R − Rm; market model: R − (α + β·Rm) over the estimation window. t is cross-sectional; the difference by Welch's t. Every rule is in manifest.json.",
      "市场调整：R − Rm；市场模型：R − (α + β·Rm)，于估计窗口估计。t 为横截面 t 值，组间差异用 Welch t。全部规则见 manifest.json。"
    ),
    "horizon": ("Horizon", "期限"),
    "factor": ("Factor", "因子"),
    "mean-ic": ("Mean IC", "平均 IC"),
    "t": ("t", "t 值"),
    "ir": ("IR", "信息比率"),
    "window": ("Window", "窗口"),
    "group": ("Group", "组别"),
    "model": ("Model", "模型"),
    "firms": ("Firms", "公司数"),
    "mean-car": ("Mean CAR", "平均 CAR"),
    "group.exposed": ("exposed", "受影响"),
    "group.not exposed": ("not exposed", "未受影响"),
    "group.exposed minus not exposed": ("exposed minus not exposed", "受影响减未受影响"),
    "model.market-adjusted": ("market-adjusted", "市场调整"),
    "model.market-model": ("market model", "市场模型"),
    "category.encouraged": ("encouraged", "鼓励类"),
    "category.allowed": ("allowed", "允许类"),
    "category.restricted": ("restricted", "限制类"),
    "category.eliminated": ("eliminated", "淘汰类"),
    "category.unmapped": ("unmapped", "未映射"),
    "category.out-of-scope": ("out of scope", "非医药范围"),
    "domain.chemical-drugs": ("chemical drugs", "化学药"),
    "domain.apis": ("APIs", "原料药"),
    "domain.biologics": ("biologics", "生物药"),
    "domain.tcm": ("TCM", "中药"),
    "domain.medical-devices": ("medical devices", "医疗器械"),
    "domain.diagnostics": ("diagnostics", "诊断"),
    "domain.bioprocess-supply": ("bioprocess supply", "生物医药配套"),
    "domain.research-services": ("research services", "研发外包服务"),
    "domain.healthcare-services": ("healthcare services", "医疗服务"),
    "domain.distribution-retail": ("distribution and retail", "医药流通与零售"),
    "domain.unmapped": ("unmapped", "未映射"),
    "domain.out-of-scope": ("out of scope", "非医药范围"),
    "terminal.catalogue": ("catalogue", "目录版本"),
    "terminal.exposure": ("exposure", "敞口"),
    "terminal.recalled": ("resting on recalled or assumed facts", "依赖回忆或假设的事实"),
    "terminal.recalled.of": ("of the scores' distance from neutral", "（占得分偏离中性值的比例）"),
    "terminal.gap": ("not held, high-scoring", "未持有的高分细分领域"),
    "column.rank": ("rank", "排名"),
    "column.ticker": ("ticker", "代码"),
    "column.name": ("name", "名称"),
    "column.weight": ("weight", "权重"),
    "column.E": ("E", "鼓励"),
    "column.F": ("F", "扶持"),
    "column.D": ("D", "替代"),
    "column.score": ("score", "得分"),
    "column.tier": ("tier", "档位"),
    "column.segment": ("segment", "细分领域"),
    "tier.strong-tailwind": ("strong tailwind", "强顺风"),
    "tier.tailwind": ("tailwind", "顺风"),
    "tier.neutral": ("neutral", "中性"),
    "tier.headwind": ("headwind", "逆风"),
    "tier.strong-headwind": ("strong headwind", "强逆风"),
    "tier.excluded": ("excluded", "已排除"),
  ]
}
