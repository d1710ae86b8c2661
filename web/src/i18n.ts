// Labels in Simplified Chinese and English, switchable at run time.
import { setLocale } from './time';

export type Lang = 'zh' | 'en';

const dict = {
  title: { zh: '疫情防控指挥中心', en: 'Epidemic command centre' },
  dashboard: { zh: '总览', en: 'Dashboard' },
  chain: { zh: '传播链', en: 'Contact chain' },
  clusters: { zh: '聚集性疫情', en: 'Clusters' },
  language: { zh: 'English', en: '中文' },
  asOf: { zh: '截至', en: 'As of' },
  latest: { zh: '最新', en: 'Latest' },
  loading: { zh: '加载中…', en: 'Loading…' },
  error: { zh: '出错了', en: 'Error' },
  token: { zh: '访问令牌', en: 'Access token' },
  tokenNeeded: { zh: '请粘贴访问令牌（tracegraph token 命令生成）', en: 'Paste an access token (made by tracegraph token)' },
  save: { zh: '保存', en: 'Save' },
  caseId: { zh: '病例编号', en: 'Case id' },
  show: { zh: '查看', en: 'Show' },
  pickCase: { zh: '输入病例编号，或从聚集性疫情中选择', en: 'Enter a case id, or pick one from the clusters' },
  contacts: { zh: '接触者', en: 'contacts' },
  nodesDrawn: { zh: '已绘制人员', en: 'people drawn' },
  collapsed: { zh: '折叠', en: 'collapsed' },
  expandHint: { zh: '点击“+N”节点展开', en: 'Click a “+N” node to expand it' },
  window: { zh: '传染期', en: 'Infectious window' },
  windowEmpty: { zh: '传染期为空：无接触者', en: 'Empty window: no contacts' },
  case: { zh: '病例', en: 'Case' },
  close1: { zh: '密切接触者', en: 'Close contact' },
  close2: { zh: '次密切接触者', en: 'Secondary contact' },
  closeN: { zh: '第{n}代密接', en: 'Close contact, degree {n}' },
  general: { zh: '一般接触者', en: 'General contact' },
  degree: { zh: '代', en: 'Degree' },
  role: { zh: '类型', en: 'Role' },
  class: { zh: '类别', en: 'Class' },
  lastExposure: { zh: '末次暴露', en: 'Last exposure' },
  tier: { zh: '风险等级', en: 'Tier' },
  reasons: { zh: '判定依据', en: 'Reasons' },
  noReasons: { zh: '无（绿码）', en: 'None (green)' },
  exposures: { zh: '暴露记录', en: 'Exposures' },
  since: { zh: '起', en: 'since' },
  expires: { zh: '至', en: 'expires' },
  never: { zh: '不过期', en: 'never' },
  via: { zh: '经由', en: 'via' },
  source: { zh: '传染源', en: 'source' },
  person: { zh: '人员', en: 'Person' },
  name: { zh: '姓名', en: 'Name' },
  status: { zh: '状态', en: 'Status' },
  onset: { zh: '发病日期', en: 'Onset' },
  confirmed: { zh: '确诊时间', en: 'Confirmed' },
  isolated: { zh: '隔离时间', en: 'Isolated' },
  quarantine: { zh: '隔离管控', en: 'Quarantine' },
  noQuarantine: { zh: '无隔离管控记录', en: 'No quarantine assignment' },
  ACTIVE: { zh: '进行中', en: 'active' },
  PENDING: { zh: '待安置', en: 'pending' },
  COMPLETED: { zh: '已解除', en: 'completed' },
  SUPERSEDED: { zh: '已升级替代', en: 'superseded' },
  ESCALATED: { zh: '转为病例', en: 'escalated' },
  byOnset: { zh: '按发病日期', en: 'by onset' },
  byConfirmation: { zh: '按确诊日期', en: 'by confirmation' },
  epicurveTitle: { zh: '流行曲线', en: 'Epidemic curve' },
  dailyReportsTitle: { zh: '当日乡镇日报', en: 'Town daily reports today' },
  missingReports: { zh: '未报送', en: 'Missing' },
  submitted: { zh: '已报送', en: 'Submitted' },
  newReturnees: { zh: '新增返乡', en: 'New returnees' },
  newFevers: { zh: '新增发热', en: 'New fevers' },
  newQuarantines: { zh: '新增隔离', en: 'New quarantines' },
  newCases: { zh: '新增病例', en: 'New cases' },
  overdueTitle: { zh: '当日未报健康日报', en: 'Health reports overdue today' },
  officers: { zh: '责任人', en: 'Officers' },
  live: { zh: '实时更新', en: 'Live' },
  liveOff: { zh: '实时更新未连接', en: 'Live updates not connected' },
  searchName: { zh: '或按姓名查找', en: 'or search by name' },
  noMatch: { zh: '无匹配人员', en: 'No one matches' },
  indexCase: { zh: '指示病例', en: 'Index case' },
  size: { zh: '病例数', en: 'Cases' },
  generations: { zh: '代数', en: 'Generations' },
  firstOnset: { zh: '首例发病', en: 'First onset' },
  lastOnset: { zh: '末例发病', en: 'Last onset' },
  active: { zh: '活跃', en: 'Active' },
  inactive: { zh: '已平息', en: 'Inactive' },
  generation: { zh: '代', en: 'Generation' },
  tree: { zh: '传播树', en: 'Tree' },
  openChain: { zh: '查看传播链', en: 'Open chain' },
  tracedCases: { zh: '追踪病例', en: 'Traced cases' },
  clusterCount: { zh: '聚集性疫情数', en: 'Clusters' },
  activeClusters: { zh: '活跃聚集', en: 'Active clusters' },
  largestCluster: { zh: '最大聚集', en: 'Largest cluster' },
  epicurve: { zh: '流行曲线（按发病日期）', en: 'Epidemic curve (by onset date)' },
  noOnset: { zh: '无发病日期', en: 'no onset date' },
  dashboardNote: {
    zh: '数字来自 summary、epicurve、dailyReports、overdueHealthReports 与 clusters 查询；显示“最新”时通过订阅实时更新。',
    en: 'Figures from the summary, epicurve, dailyReports, overdueHealthReports and clusters queries; showing the latest, they follow the subscriptions.',
  },

  byStatus: { zh: '按状态', en: 'By status' },
  confirmedTotal: { zh: '累计确诊', en: 'Confirmed (total)' },
  asymptomaticTotal: { zh: '累计无症状', en: 'Asymptomatic (total)' },
  activeCases: { zh: '现有病例', en: 'Active cases' },
  newConfirmed: { zh: '当日新增确诊', en: 'New confirmed today' },
  daysSince: { zh: '距末例确诊天数', en: 'Days since last new case' },
  pendingPlacements: { zh: '待安置', en: 'Pending placements' },
  towns: { zh: '下级地区', en: 'Areas below' },
  allAreas: { zh: '全部地区', en: 'All areas' },
  drillHint: { zh: '点击一行查看该地区', en: 'click a row to open that area' },
  area: { zh: '地区', en: 'Area' },
  facilities: { zh: '集中隔离点', en: 'Facilities' },
  facility: { zh: '隔离点', en: 'Facility' },
  capacity: { zh: '床位', en: 'Places' },
  occupied: { zh: '已用', en: 'Occupied' },
  free: { zh: '空余', en: 'Free' },
  CENTRALIZED: { zh: '集中隔离', en: 'Centralized' },
  HOME: { zh: '居家隔离', en: 'Home' },
  HEALTH_MONITORING: { zh: '健康监测', en: 'Health monitoring' },
  policy: { zh: '防控策略', en: 'Policy' },
  bench: { zh: '绘制性能测试', en: 'Drawing benchmark' },
  HOUSEHOLD: { zh: '同住', en: 'Household' },
  DIRECT_CONTACT: { zh: '直接接触', en: 'Direct contact' },
  EVENT: { zh: '同一活动', en: 'Event' },
  CONVEYANCE: { zh: '同乘交通工具', en: 'Conveyance' },
  CLOSE: { zh: '密切', en: 'close' },
  GENERAL: { zh: '一般', en: 'general' },
  RED: { zh: '红码', en: 'Red' },
  YELLOW: { zh: '黄码', en: 'Yellow' },
  GREEN: { zh: '绿码', en: 'Green' },
  ACTIVE_CASE: { zh: '现有病例', en: 'Active case' },
  POSITIVE_TEST: { zh: '检测阳性', en: 'Positive test' },
  CLOSE_CONTACT: { zh: '密切接触者', en: 'Close contact' },
  HIGH_RISK_ARRIVAL: { zh: '来自高风险地区', en: 'Arrival from a high-risk area' },
  SECONDARY_CONTACT: { zh: '次密切接触者', en: 'Secondary contact' },
  GENERAL_CONTACT: { zh: '一般接触者', en: 'General contact' },
  MEDIUM_RISK_ARRIVAL: { zh: '来自中风险地区', en: 'Arrival from a medium-risk area' },
  FEVER: { zh: '发热', en: 'Fever' },
  SUSPECTED: { zh: '疑似', en: 'suspected' },
  CONFIRMED: { zh: '确诊', en: 'confirmed' },
  ASYMPTOMATIC: { zh: '无症状感染者', en: 'asymptomatic' },
  RECOVERED: { zh: '治愈', en: 'recovered' },
  DECEASED: { zh: '死亡', en: 'deceased' },
  tripRef: { zh: '行程', en: 'trip' },
  areaRef: { zh: '地区', en: 'area' },
  testRef: { zh: '检测', en: 'test' },
  checkpointRef: { zh: '卡口', en: 'checkpoint' },
  reportRef: { zh: '健康日报', en: 'health report' },
  tierFromChain: { zh: '节点颜色：按本链判定的风险等级；点击人员查看其完整风险等级', en: 'Node colours: the tier this chain gives; click a person for their full tier' },
} as const;

export type Key = keyof typeof dict;

let lang: Lang = (localStorage.getItem('tracegraph.lang') as Lang) || 'zh';
setLocale(lang === 'zh' ? 'zh-CN' : 'en-GB');

export function getLang(): Lang {
  return lang;
}

export function setLang(l: Lang): void {
  lang = l;
  localStorage.setItem('tracegraph.lang', l);
  setLocale(l === 'zh' ? 'zh-CN' : 'en-GB');
  document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
}

export function t(key: Key, vars: Record<string, string | number> = {}): string {
  let s: string = dict[key][lang];
  for (const [k, v] of Object.entries(vars)) s = s.replace(`{${k}}`, String(v));
  return s;
}

/** An enum value's label (rule, tier, status, kind), or the value itself. */
export function tv(value: string | null | undefined): string {
  if (!value) return '—';
  return value in dict ? t(value as Key) : value;
}
