import HistoryStore
import Reports
