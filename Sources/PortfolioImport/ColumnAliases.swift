import Foundation
import PolicyScoreCore

/// The columns a portfolio may have, and the header names, in English and
/// Chinese, that each is recognised by.
public enum PortfolioColumn: String, CaseIterable, Sendable, Hashable {
  case ticker
  case name
  case weight
  case marketValue = "market_value"
  case description
  case industryCodes = "industry_codes"
  case origin
  case chinaShare = "china_revenue_share"
  case segments
  case portfolio
  case madeInChina = "made_in_china"

  /// The column's position in `allCases`, for array-indexed lookups.
  var ordinal: Int {
    switch self {
    case .ticker: return 0
    case .name: return 1
    case .weight: return 2
    case .marketValue: return 3
    case .description: return 4
    case .industryCodes: return 5
    case .origin: return 6
    case .chinaShare: return 7
    case .segments: return 8
    case .portfolio: return 9
    case .madeInChina: return 10
    }
  }

  /// Header spellings, already folded by `ColumnAliases.fold`.
  var aliases: [String] {
    switch self {
    case .ticker:
      return [
        "ticker", "code", "symbol", "securitycode", "stockcode", "isin", "证券代码", "代码", "股票代码",
        "证券编码",
      ]
    case .name:
      return [
        "name", "company", "companyname", "securityname", "securitydescription", "issuer",
        "holding", "证券简称", "名称",
        "公司名称", "证券名称", "股票简称", "简称", "股票名称",
      ]
    case .weight:
      return [
        "weight", "weighting", "portfolioweight", "pct", "percent", "wgt", "pctwgt", "权重",
        "持仓占比", "占净值比",
        "占净值比例", "占比", "市值占比", "持仓权重", "占基金净值比",
      ]
    case .marketValue:
      return ["marketvalue", "mv", "value", "holdingvalue", "市值", "持仓市值", "参考市值"]
    case .description:
      return [
        "description", "business", "businessdescription", "businesssummary", "主营业务", "业务描述",
        "经营范围", "公司简介", "主营产品", "主营业务描述",
      ]
    case .industryCodes:
      return [
        "industrycode", "industrycodes", "industry", "gbt4754", "sector", "行业代码", "国标行业",
        "行业", "申万行业", "行业分类",
      ]
    case .origin:
      return ["origin", "country", "domicile", "国别", "注册地", "企业类型", "来源"]
    case .chinaShare:
      return [
        "chinarevenueshare", "chinashare", "chinarevenue", "chinasales", "中国收入占比", "境内收入占比",
        "国内收入占比", "中国营收占比",
      ]
    case .segments:
      return ["segments", "segmentsplit", "segment", "细分领域", "业务拆分", "细分"]
    case .portfolio:
      return ["portfolio", "portfolioid", "fund", "fundcode", "组合", "组合代码", "基金代码", "基金名称", "组合名称"]
    case .madeInChina:
      return ["madeinchina", "chinamade", "localproduction", "本地化生产", "中国制造", "境内生产", "国内生产"]
    }
  }
}

/// Header recognition: folds a header (`HeaderName.fold`), then looks it up
/// among every column's aliases.
public enum ColumnAliases {
  /// A header folded for matching (see `HeaderName.fold`).
  public static func fold(_ header: String) -> String { HeaderName.fold(header) }

  /// The column a header names, or nil.
  public static func column(for header: String) -> PortfolioColumn? {
    let folded = fold(header)
    return PortfolioColumn.allCases.first {
      $0.aliases.contains(folded) || $0.rawValue.replacingOccurrences(of: "_", with: "") == folded
    }
  }
}
