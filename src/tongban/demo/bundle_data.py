"""Demo bundles (一件事) of 德州市 and the words people use for things (synonyms).

Bundles name their items by the items' names in :mod:`.catalog_data`.
"""

BUREAU = "德州市行政审批服务局"

# code, name, theme, lead agency, keywords, description, item names
BUNDLES = [
    (
        "YJS-QYKB",
        "企业开办一件事",
        "enterprise",
        BUREAU,
        "开公司 注册公司 办执照 企业开办",
        "一表填报、一网通办：营业执照、印章、税务、社保、医保、公积金一次办结，营业执照半日内领取。",
        [
            "企业设立登记",
            "印章刻制备案",
            "新办纳税人涉税事项（信息确认）",
            "发票领用",
            "单位社会保险登记",
            "单位基本医疗保险参保登记",
            "住房公积金单位缴存登记",
            "企业银行开户预约",
        ],
    ),
    (
        "YJS-CYD",
        "开办餐饮店一件事",
        "enterprise",
        BUREAU,
        "开饭店 开餐馆 小吃店 餐饮店",
        "开一家饭店需要的营业执照、食品经营许可、招牌和排水许可，一次申请、并联审批。",
        ["个体工商户设立登记", "食品经营许可", "户外广告设施设置审批", "城镇污水排入排水管网许可"],
    ),
    (
        "YJS-YD",
        "开办药店一件事",
        "enterprise",
        BUREAU,
        "开药店 药房",
        "药品零售企业从登记到经营许可、医疗器械备案一次办。",
        ["企业设立登记", "药品零售企业经营许可", "第二类医疗器械经营备案"],
    ),
    (
        "YJS-WB",
        "开办网吧一件事",
        "enterprise",
        BUREAU,
        "开网吧 网咖",
        "互联网上网服务营业场所从登记到经营许可一次办。",
        ["企业设立登记", "互联网上网服务营业场所经营单位设立审批"],
    ),
    (
        "YJS-LXS",
        "开办旅行社一件事",
        "enterprise",
        BUREAU,
        "开旅行社",
        "旅行社从登记到设立许可一次办。",
        ["企业设立登记", "旅行社设立许可"],
    ),
    (
        "YJS-YLJG",
        "开办养老机构一件事",
        "enterprise",
        BUREAU,
        "开养老院 养老机构",
        "民办养老机构登记与备案一次办。",
        ["民办非企业单位（社会服务机构）成立登记", "养老机构备案"],
    ),
    (
        "YJS-CS",
        "新生儿出生一件事",
        "life_event",
        BUREAU,
        "生孩子 新生儿 上户口 出生",
        "出生医学证明、户口登记、生育登记和生育津贴一次申请。",
        ["出生医学证明办理", "出生登记（户口）", "生育登记", "生育津贴申领"],
    ),
    (
        "YJS-LNR",
        "老年人优待一件事",
        "life_event",
        BUREAU,
        "老年证 高龄补贴 老人",
        "老年人优待证和高龄津贴一次申请。",
        ["老年人优待证办理", "80周岁以上老年人高龄津贴发放"],
    ),
    (
        "YJS-CJR",
        "残疾人服务一件事",
        "life_event",
        BUREAU,
        "残疾证 残疾人补贴",
        "残疾人证与两项补贴一次申请。",
        ["残疾人证办理", "困难残疾人生活补贴和重度残疾人护理补贴"],
    ),
    (
        "YJS-SY",
        "失业一件事",
        "life_event",
        BUREAU,
        "失业 下岗 失业金",
        "失业保险金申领与就业创业证一次办。",
        ["失业保险金申领", "就业创业证申领"],
    ),
    (
        "YJS-TX",
        "退休一件事",
        "life_event",
        BUREAU,
        "退休 养老金",
        "养老保险待遇申领与公积金提取一次办。",
        ["企业职工基本养老保险待遇申领", "住房公积金提取"],
    ),
    (
        "YJS-ESF",
        "二手房转移登记及水电气网联动过户一件事",
        "life_event",
        BUREAU,
        "买房 卖房 过户 二手房",
        "不动产转移登记与水、电、气、网过户一次申请。",
        [
            "国有建设用地使用权及房屋所有权转移登记",
            "用水报装",
            "用电报装",
            "燃气报装",
            "宽带及固定电话装机",
        ],
    ),
    (
        "GC-1",
        "工程建设项目·立项用地规划许可阶段",
        "construction",
        BUREAU,
        "立项 用地规划 选址",
        "第一阶段：项目备案、用地预审与选址、用地规划许可、节能审查，并联审批。",
        [
            "企业投资项目备案",
            "建设项目用地预审与选址意见书核发",
            "建设用地规划许可证核发",
            "固定资产投资项目节能审查",
        ],
    ),
    (
        "GC-2",
        "工程建设项目·工程建设许可阶段",
        "construction",
        BUREAU,
        "工程规划 规划许可证",
        "第二阶段：工程规划许可、消防设计审查、绿地树木、水土保持，并联审批。",
        [
            "建设工程规划许可证核发",
            "特殊建设工程消防设计审查",
            "工程建设涉及城市绿地、树木审批",
            "生产建设项目水土保持方案审批",
            "建设项目环境影响评价文件审批",
        ],
    ),
    (
        "GC-3",
        "工程建设项目·施工许可阶段",
        "construction",
        BUREAU,
        "施工许可证 开工",
        "第三阶段：施工许可、占挖道路、建筑垃圾处置，并联审批。",
        ["建筑工程施工许可证核发", "占用、挖掘城市道路审批", "城市建筑垃圾处置核准"],
    ),
    (
        "GC-4",
        "工程建设项目·竣工验收阶段",
        "construction",
        BUREAU,
        "竣工验收 联合验收",
        "第四阶段：消防验收、竣工验收备案与水电气报装，联合验收。",
        [
            "特殊建设工程消防验收",
            "房屋建筑和市政基础设施工程竣工验收备案",
            "用水报装",
            "用电报装",
            "燃气报装",
        ],
    ),
    (
        "YJS-QYZX",
        "企业注销一件事",
        "enterprise",
        BUREAU,
        "注销公司 关闭企业 企业注销 税务注销 社保注销",
        "清税、社保、公积金和营业执照注销一表申请、并联办理，结果一次告知。",
        [
            "税务注销（清税证明开具）",
            "单位社会保险注销登记",
            "住房公积金单位缴存注销",
            "企业注销登记",
        ],
    ),
]

SYNONYMS = {
    "开饭店": "餐饮 食品经营",
    "开餐馆": "餐饮 食品经营",
    "社保": "社会保险",
    "医保": "医疗保险",
    "公积金": "住房公积金",
    "营业执照": "企业设立登记 个体工商户设立",
    "开公司": "企业开办 企业设立",
    "注册公司": "企业设立",
    "上户口": "出生登记",
    "生孩子": "出生 生育",
    "退休": "养老保险待遇",
    "买房": "转移登记 不动产",
    "过户": "转移登记",
    "装宽带": "宽带",
    "开药店": "药品零售",
    "老年证": "老年人优待证",
    "残疾证": "残疾人证",
    "网吧": "互联网上网服务",
    "办证": "许可",
}


# The one form (一表填报) of a bundle, and what it does for each item: the case form fields
# it fills, and the item's own application form it replaces (attached as a PDF).
_START_UP_MAP = {
    "legal_rep": "contact_name",
    "phone": "contact_phone",
    "address": "address",
    "company": "description",
}
BUNDLE_FORMS = {
    "YJS-QYKB": {
        "form_fields": [
            {
                "key": "company",
                "label": "企业名称",
                "required": True,
                "max_length": 100,
                "check": "enterprise_name",
            },
            {"key": "capital", "label": "注册资本（万元）", "required": True, "max_length": 20},
            {"key": "address", "label": "住所", "required": True, "max_length": 255},
            {"key": "scope", "label": "经营范围", "required": True, "max_length": 2000},
            {"key": "legal_rep", "label": "法定代表人", "required": True, "max_length": 50},
            {"key": "phone", "label": "联系电话", "required": True, "max_length": 20},
            {"key": "bank", "label": "预约开户银行及网点", "required": False, "max_length": 100},
        ],
        # A start-up's seal is its first set, engraved free (政府购买服务).
        "preset_answers": {"刻制原因？": "新设立单位首次刻制"},
        # The whole start-up within 3 working days (鲁政办字〔2018〕164号); the licence
        # itself within half a day (its own promise in the catalog).
        "promised_limit": 3,
        "items": {
            "企业设立登记": (_START_UP_MAP, ["企业登记（备案）申请书"]),
            "印章刻制备案": (_START_UP_MAP, ["印章刻制备案信息表"]),
            "新办纳税人涉税事项（信息确认）": (_START_UP_MAP, ["新办纳税人涉税事项综合申请表"]),
            "发票领用": (_START_UP_MAP, ["发票领用申请"]),
            "单位社会保险登记": (_START_UP_MAP, ["社会保险登记表"]),
            "单位基本医疗保险参保登记": (_START_UP_MAP, ["参保单位信息登记表"]),
            "住房公积金单位缴存登记": (_START_UP_MAP, ["住房公积金单位缴存登记表"]),
            "企业银行开户预约": (_START_UP_MAP, ["银行开户预约信息表"]),
        },
    },
    "YJS-QYZX": {
        "form_fields": [
            {"key": "company", "label": "企业名称", "required": True, "max_length": 100},
            {"key": "credit_code", "label": "统一社会信用代码", "required": True, "max_length": 18},
            {"key": "reason", "label": "注销原因", "required": True, "max_length": 500},
            {"key": "contact", "label": "联系人", "required": True, "max_length": 50},
            {"key": "phone", "label": "联系电话", "required": True, "max_length": 20},
        ],
        "items": {
            name: (
                {"contact": "contact_name", "phone": "contact_phone", "reason": "description"},
                covers,
            )
            for name, covers in (
                ("税务注销（清税证明开具）", ["清税申报表"]),
                ("单位社会保险注销登记", ["社会保险注销登记表"]),
                ("住房公积金单位缴存注销", ["住房公积金单位缴存注销登记表"]),
                ("企业注销登记", ["企业注销登记申请书"]),
            )
        },
    },
}
