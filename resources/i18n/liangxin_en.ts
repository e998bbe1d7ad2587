<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name></name>
    <message>
        <source>两新填报</source>
        <translation>LiangXin Reporter</translation>
    </message>
    <message>
        <source>数据库还没有设置本单位：请先完成首次设置</source>
        <translation>The database has no own unit yet: finish the first-run setup first</translation>
    </message>
    <message>
        <source>运行环境有缺陷，程序可能意外退出（已保存的数据不受影响）：
</source>
        <translation>The runtime environment is defective and the program may quit unexpectedly (saved data is not affected):
</translation>
    </message>
    <message>
        <source>无法打开数据库 {target}：
{error}</source>
        <translation>Cannot open the database {target}:
{error}</translation>
    </message>
    <message>
        <source>请检查命令行 --db 给出的数据库，或不带 --db 启动。</source>
        <translation>Check the database given with --db on the command line, or start without --db.</translation>
    </message>
    <message>
        <source>这个数据库是在 设置 → 数据库 中选定的。服务器暂时连不上时，请稍后重试或联系信息技术人员；地址有误或不再使用时，可以本次先用本机的数据库（{local}）启动，再到 设置 → 数据库 改正或清除它。</source>
        <translation>This database was chosen in Settings → Database. If the server cannot be reached for now, try again later or call IT; if the address is wrong or no longer used, start this once on this PC&apos;s own database ({local}) and correct or clear it in Settings → Database.</translation>
    </message>
    <message>
        <source>重试</source>
        <translation>Retry</translation>
    </message>
    <message>
        <source>本次用本机数据库</source>
        <translation>Use this PC&apos;s database this time</translation>
    </message>
    <message>
        <source>数据库检查</source>
        <translation>Database check</translation>
    </message>
    <message>
        <source>已自动备份到 {path}</source>
        <translation>Backed up automatically to {path}</translation>
    </message>
    <message>
        <source>自动备份未成功：{error}</source>
        <translation>Automatic backup failed: {error}</translation>
    </message>
    <message>
        <source>自动备份</source>
        <translation>Automatic backup</translation>
    </message>
    <message>
        <source>已提交</source>
        <translation>Submitted</translation>
    </message>
    <message>
        <source>统计图表</source>
        <translation>Dashboard</translation>
    </message>
    <message>
        <source>本年促消费活动</source>
        <translation>Promotion events this year</translation>
    </message>
    <message>
        <source>重点任务</source>
        <translation>Key tasks</translation>
    </message>
    <message>
        <source>回收与以旧换新</source>
        <translation>Recycling &amp; trade-in</translation>
    </message>
    <message>
        <source>本月数据检查</source>
        <translation>Checks this month</translation>
    </message>
    <message>
        <source>{unit} · {period} · 本年累计至本月</source>
        <translation>{unit} · {period} · year to date</translation>
    </message>
    <message>
        <source>{m}月</source>
        <translation>{m}</translation>
    </message>
    <message>
        <source>本年累计不含{months}：这些月份还没有汇总任何下级单位的报表，较2023年增减和目标进度因此偏低。</source>
        <translation>Year to date leaves out month(s) {months}: no return of any unit below has been merged for them yet, so the change on 2023 and the progress towards the targets read low.</translation>
    </message>
    <message>
        <source>去汇总{month}</source>
        <translation>Merge month {month}</translation>
    </message>
    <message>
        <source>本年累计不含{months}：这些月份还没有填报表3，较2023年增减和目标进度因此偏低。</source>
        <translation>Year to date leaves out month(s) {months}: 表3 has not been filled in for them yet, so the change on 2023 and the progress towards the targets read low.</translation>
    </message>
    <message>
        <source>去填报{month}</source>
        <translation>Fill in month {month}</translation>
    </message>
    <message>
        <source>{n} 场</source>
        <translation>{n} events</translation>
    </message>
    <message>
        <source>年度最低场次均已达到</source>
        <translation>All yearly minimums reached</translation>
    </message>
    <message>
        <source>方案未规定场次</source>
        <translation>The plan sets no minimum</translation>
    </message>
    <message>
        <source>已完成 {done} 项，推进中 {going} 项，滞后 {late} 项</source>
        <translation>{done} done, {going} in progress, {late} lagging</translation>
    </message>
    <message>
        <source>{up}/{n} 项增长</source>
        <translation>{up}/{n} growing</translation>
    </message>
    <message>
        <source>本年累计较2023年基数增长的指标</source>
        <translation>Indicators above their 2023 base (year to date)</translation>
    </message>
    <message>
        <source>可以报送</source>
        <translation>Ready to submit</translation>
    </message>
    <message>
        <source>{n} 处问题</source>
        <translation>{n} problem(s)</translation>
    </message>
    <message>
        <source>{hard} 处错误，{soft} 处待说明</source>
        <translation>{hard} error(s), {soft} to explain</translation>
    </message>
    <message>
        <source>促消费活动：本年已办与年度最低场次</source>
        <translation>Promotion events: held this year vs yearly minimum</translation>
    </message>
    <message>
        <source>活动</source>
        <translation>Events</translation>
    </message>
    <message>
        <source>本年已办</source>
        <translation>Held this year</translation>
    </message>
    <message>
        <source>年度最低场次</source>
        <translation>Yearly minimum</translation>
    </message>
    <message>
        <source>重点任务推进状态（按部分）</source>
        <translation>Task status by section</translation>
    </message>
    <message>
        <source>回收与以旧换新：本年累计较2023年增减与目标增幅（%）</source>
        <translation>Recycling &amp; trade-in: change over the 2023 base and target growth (%)</translation>
    </message>
    <message>
        <source>较2023年增减</source>
        <translation>Change over 2023</translation>
    </message>
    <message>
        <source>2025年目标增幅</source>
        <translation>2025 target growth</translation>
    </message>
    <message>
        <source>2027年目标增幅</source>
        <translation>2027 target growth</translation>
    </message>
    <message>
        <source>（无数据）</source>
        <translation>(no data)</translation>
    </message>
    <message>
        <source>指标</source>
        <translation>Indicator</translation>
    </message>
    <message>
        <source>单位</source>
        <translation>Unit</translation>
    </message>
    <message>
        <source>本年累计</source>
        <translation>Year to date</translation>
    </message>
    <message>
        <source>上年同期</source>
        <translation>Same period last year</translation>
    </message>
    <message>
        <source>同比</source>
        <translation>Year on year</translation>
    </message>
    <message>
        <source>2023年基数</source>
        <translation>2023 base</translation>
    </message>
    <message>
        <source>较2023年</source>
        <translation>vs 2023</translation>
    </message>
    <message>
        <source>2025年目标</source>
        <translation>2025 target</translation>
    </message>
    <message>
        <source>2027年目标</source>
        <translation>2027 target</translation>
    </message>
    <message>
        <source>目标进度</source>
        <translation>Progress</translation>
    </message>
    <message>
        <source>各镇街本月促消费活动场次与销售额</source>
        <translation>Events and sales this month by township</translation>
    </message>
    <message>
        <source>活动场次</source>
        <translation>Events</translation>
    </message>
    <message>
        <source>销售额（万元）</source>
        <translation>Sales (10k yuan)</translation>
    </message>
    <message>
        <source>场次</source>
        <translation>Events</translation>
    </message>
    <message>
        <source>万元</source>
        <translation>10k yuan</translation>
    </message>
    <message>
        <source>错误</source>
        <translation>Error</translation>
    </message>
    <message>
        <source>任务已完成</source>
        <translation>Tasks done</translation>
    </message>
    <message>
        <source>任务滞后</source>
        <translation>Tasks lagging</translation>
    </message>
    <message>
        <source>已报</source>
        <translation>Reported</translation>
    </message>
    <message>
        <source>未报</source>
        <translation>Missing</translation>
    </message>
    <message>
        <source>合计</source>
        <translation>Total</translation>
    </message>
    <message>
        <source>、</source>
        <translation>, </translation>
    </message>
    <message>
        <source>须填写理由，才能继续；不想继续请点“取消”。</source>
        <translation>A reason is needed to go on; press Cancel to stop here.</translation>
    </message>
    <message>
        <source>Excel 报表 (*.xlsx)</source>
        <translation>Excel returns (*.xlsx)</translation>
    </message>
    <message>
        <source>把上月填写的{fields}带到本月还没有填写的行（可撤销）</source>
        <translation>Copy last month&apos;s {fields} into this month&apos;s rows that are still empty (can be undone)</translation>
    </message>
    <message>
        <source>；{fields}是本年累计，一月不沿用</source>
        <translation>; {fields} is year-to-date and is not carried into January</translation>
    </message>
    <message>
        <source>沿用上月</source>
        <translation>Carry over last month</translation>
    </message>
    <message>
        <source>撤销 (Ctrl+Z)</source>
        <translation>Undo (Ctrl+Z)</translation>
    </message>
    <message>
        <source>重做 (Ctrl+Y)</source>
        <translation>Redo (Ctrl+Y)</translation>
    </message>
    <message>
        <source>离开输入框或按 Ctrl+Enter 即保存</source>
        <translation>Saved when you leave the box or press Ctrl+Enter</translation>
    </message>
    <message>
        <source>本级数据由下级单位的报表汇总而来，只读；请在“汇总合并”中导入下级报表。</source>
        <translation>These figures are the sums of the units below, read-only; import their returns under Merge.</translation>
    </message>
    <message>
        <source>退回修改…</source>
        <translation>Reopen…</translation>
    </message>
    <message>
        <source>没有可沿用的内容：{month}没有填写，或本月各行都已填写。</source>
        <translation>Nothing to carry over: nothing was entered for {month}, or every row of this month is already filled in.</translation>
    </message>
    <message>
        <source>已把{month}的内容带到本月 {n} 行，请逐行核实、改成本月的情况（Ctrl+Z 可撤销）。</source>
        <translation>{month}&apos;s entries were copied into {n} rows of this month; check each row and update it to this month (Ctrl+Z undoes it).</translation>
    </message>
    <message>
        <source>未保存</source>
        <translation>Not saved</translation>
    </message>
    <message>
        <source>{n} 处错误</source>
        <translation>{n} error(s)</translation>
    </message>
    <message>
        <source>{n} 处待说明</source>
        <translation>{n} need an explanation</translation>
    </message>
    <message>
        <source>本表没有发现问题</source>
        <translation>No problems in this form</translation>
    </message>
    <message>
        <source>已说明</source>
        <translation>Explained</translation>
    </message>
    <message>
        <source>请核实</source>
        <translation>Please check</translation>
    </message>
    <message>
        <source>第{n}行</source>
        <translation>Row {n}</translation>
    </message>
    <message>
        <source>{label}：由程序计算，不能填写</source>
        <translation>{label}: computed by the program, cannot be typed</translation>
    </message>
    <message>
        <source>{label}：来自工作方案，不能修改</source>
        <translation>{label}: from the work plan, cannot be changed</translation>
    </message>
    <message>
        <source>必填</source>
        <translation>required</translation>
    </message>
    <message>
        <source>可选：</source>
        <translation>choices: </translation>
    </message>
    <message>
        <source>（输入开头几个字即可）</source>
        <translation> (type the first few characters)</translation>
    </message>
    <message>
        <source>输入 5 即本月5日，10-5 即10月5日</source>
        <translation>type 5 for the 5th of this month, 10-5 for 5 October</translation>
    </message>
    <message>
        <source>不小于 {n:g}</source>
        <translation>at least {n:g}</translation>
    </message>
    <message>
        <source>Enter 下移 · Tab 右移 · 可从 Excel 粘贴</source>
        <translation>Enter moves down · Tab moves right · paste from Excel</translation>
    </message>
    <message>
        <source>上月 {value}</source>
        <translation>last month {value}</translation>
    </message>
    <message>
        <source>请填写说明：</source>
        <translation>Please explain: </translation>
    </message>
    <message>
        <source>编辑 {label}</source>
        <translation>Edit {label}</translation>
    </message>
    <message>
        <source>任务进展</source>
        <translation>Task progress</translation>
    </message>
    <message>
        <source>搜索序号、任务、进展…</source>
        <translation>Search number, task, progress…</translation>
    </message>
    <message>
        <source>部分</source>
        <translation>Section</translation>
    </message>
    <message>
        <source>牵头单位</source>
        <translation>Lead unit</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>全部</source>
        <translation>All</translation>
    </message>
    <message>
        <source>显示 {shown}/{total} 项</source>
        <translation>Showing {shown}/{total}</translation>
    </message>
    <message>
        <source>选择一项任务</source>
        <translation>Choose a task</translation>
    </message>
    <message>
        <source>所属部分</source>
        <translation>Section</translation>
    </message>
    <message>
        <source>责任单位</source>
        <translation>Responsible units</translation>
    </message>
    <message>
        <source>目标</source>
        <translation>Targets</translation>
    </message>
    <message>
        <source>促消费活动</source>
        <translation>Promotion events</translation>
    </message>
    <message>
        <source>新增活动</source>
        <translation>New event</translation>
    </message>
    <message>
        <source>在末行输入新的活动 (Ctrl+N)</source>
        <translation>Type a new event in the last line (Ctrl+N)</translation>
    </message>
    <message>
        <source>删除所选活动</source>
        <translation>Delete selected events</translation>
    </message>
    <message>
        <source>删除选中的整行，可撤销 (Ctrl+Delete)</source>
        <translation>Delete the selected rows; can be undone (Ctrl+Delete)</translation>
    </message>
    <message>
        <source>已删除 {n} 场活动；按 Ctrl+Z 可撤销</source>
        <translation>Deleted {n} events; Ctrl+Z undoes it</translation>
    </message>
    <message>
        <source>本月 {n} 场</source>
        <translation>{n} this month</translation>
    </message>
    <message>
        <source>本年已办 {held}/{wanted}</source>
        <translation>held this year {held}/{wanted}</translation>
    </message>
    <message>
        <source>本期填当月数；2023年基数填一次即可，各月共用；灰色斜体栏由程序计算。</source>
        <translation>Enter this month&apos;s figure; the 2023 base is entered once for all months; grey italic columns are computed.</translation>
    </message>
    <message>
        <source>如 5、10-5 或 2025-10-05</source>
        <translation>e.g. 5, 10-5 or 2025-10-05</translation>
    </message>
    <message>
        <source>粘贴</source>
        <translation>Paste</translation>
    </message>
    <message>
        <source>清除</source>
        <translation>Clear</translation>
    </message>
    <message>
        <source>{n} 个只读单元格未改动（序号、名称、计算栏）</source>
        <translation>{n} read-only cells left unchanged (numbers, names, computed columns)</translation>
    </message>
    <message>
        <source>{n} 行在显示的最后一行之下，未粘贴</source>
        <translation>{n} line(s) below the last row shown were not pasted</translation>
    </message>
    <message>
        <source>由程序计算，不能填写</source>
        <translation>Computed by the program, cannot be typed</translation>
    </message>
    <message>
        <source>来自工作方案或报表，不能填写</source>
        <translation>From the work plan or the form, cannot be typed</translation>
    </message>
    <message>
        <source>在这一行输入新的活动</source>
        <translation>Type a new event in this line</translation>
    </message>
    <message>
        <source>未保存：</source>
        <translation>Not saved: </translation>
    </message>
    <message>
        <source>需要说明：</source>
        <translation>Needs an explanation: </translation>
    </message>
    <message>
        <source>由程序计算</source>
        <translation>Computed by the program</translation>
    </message>
    <message>
        <source>输入新活动…</source>
        <translation>Type a new event…</translation>
    </message>
    <message>
        <source>请填写说明</source>
        <translation>Please explain</translation>
    </message>
    <message>
        <source>本月只读</source>
        <translation>This month is read-only</translation>
    </message>
    <message>
        <source>新活动</source>
        <translation>New event</translation>
    </message>
    <message>
        <source>（另有 {n} 处）</source>
        <translation> ({n} more)</translation>
    </message>
    <message>
        <source>删除 {n} 行</source>
        <translation>Delete {n} rows</translation>
    </message>
    <message>
        <source>任务 {no}</source>
        <translation>Task {no}</translation>
    </message>
    <message>
        <source>已保存 {time}</source>
        <translation>Saved {time}</translation>
    </message>
    <message>
        <source>镇街</source>
        <translation>Township</translation>
    </message>
    <message>
        <source>区县</source>
        <translation>District</translation>
    </message>
    <message>
        <source>市</source>
        <translation>City</translation>
    </message>
    <message>
        <source>已接收</source>
        <translation>Accepted</translation>
    </message>
    <message>
        <source>已替换旧版</source>
        <translation>Replaced an older revision</translation>
    </message>
    <message>
        <source>重复（已忽略）</source>
        <translation>Duplicate (ignored)</translation>
    </message>
    <message>
        <source>冲突（待审核员决定）</source>
        <translation>Conflict (for the reviewer)</translation>
    </message>
    <message>
        <source>拒收</source>
        <translation>Rejected</translation>
    </message>
    <message>
        <source>已退回</source>
        <translation>Sent back</translation>
    </message>
    <message>
        <source>冲突待定</source>
        <translation>Conflict pending</translation>
    </message>
    <message>
        <source>被拒收</source>
        <translation>Rejected</translation>
    </message>
    <message>
        <source>登录 — 两新填报</source>
        <translation>Log in — LiangXin Reporter</translation>
    </message>
    <message>
        <source>用户名</source>
        <translation>User name</translation>
    </message>
    <message>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>报表导出</source>
        <translation>Returns</translation>
    </message>
    <message>
        <source>汇总合并</source>
        <translation>Merge</translation>
    </message>
    <message>
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>报告期</source>
        <translation>Period</translation>
    </message>
    <message>
        <source>上个月 (Ctrl+PgUp)</source>
        <translation>Previous month (Ctrl+PgUp)</translation>
    </message>
    <message>
        <source>下个月 (Ctrl+PgDown)</source>
        <translation>Next month (Ctrl+PgDown)</translation>
    </message>
    <message>
        <source>已报送 · 只读</source>
        <translation>Submitted · read-only</translation>
    </message>
    <message>
        <source>填报中</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>本月可以填写和修改</source>
        <translation>This month can be entered and changed</translation>
    </message>
    <message>
        <source>未选择工作方案</source>
        <translation>No work plan chosen</translation>
    </message>
    <message>
        <source>撤销</source>
        <translation>Undo</translation>
    </message>
    <message>
        <source>重做</source>
        <translation>Redo</translation>
    </message>
    <message>
        <source>上个月</source>
        <translation>Previous month</translation>
    </message>
    <message>
        <source>下个月</source>
        <translation>Next month</translation>
    </message>
    <message>
        <source>导出报表</source>
        <translation>Export the return</translation>
    </message>
    <message>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>查找任务</source>
        <translation>Find a task</translation>
    </message>
    <message>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>每项输入都已自动保存，无需手动保存。</source>
        <translation>Every entry is saved as you type; there is nothing to save by hand.</translation>
    </message>
    <message>
        <source>快捷键一览</source>
        <translation>Keyboard shortcuts</translation>
    </message>
    <message>
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <source>已刷新</source>
        <translation>Refreshed</translation>
    </message>
    <message>
        <source>表格中下移 / 右移</source>
        <translation>In a grid: move down / right</translation>
    </message>
    <message>
        <source>与 Excel、WPS 复制粘贴</source>
        <translation>Copy and paste with Excel or WPS</translation>
    </message>
    <message>
        <source>撤销 / 重做</source>
        <translation>Undo / redo</translation>
    </message>
    <message>
        <source>使用说明…</source>
        <translation>User guide…</translation>
    </message>
    <message>
        <source>操作人：{name}</source>
        <translation>User: {name}</translation>
    </message>
    <message>
        <source>数据：{where}</source>
        <translation>Data: {where}</translation>
    </message>
    <message>
        <source>把镇街报来的 Excel 报表（或整个文件夹）拖到这里</source>
        <translation>Drop the townships&apos; Excel returns (or a whole folder) here</translation>
    </message>
    <message>
        <source>选择文件…</source>
        <translation>Choose files…</translation>
    </message>
    <message>
        <source>选择文件夹…</source>
        <translation>Choose a folder…</translation>
    </message>
    <message>
        <source>清空列表</source>
        <translation>Clear the list</translation>
    </message>
    <message>
        <source>预检（不保存）</source>
        <translation>Dry run (saves nothing)</translation>
    </message>
    <message>
        <source>汇总入库</source>
        <translation>Merge</translation>
    </message>
    <message>
        <source>检查结果</source>
        <translation>Verdicts</translation>
    </message>
    <message>
        <source>文件</source>
        <translation>File</translation>
    </message>
    <message>
        <source>填报单位</source>
        <translation>Reporting unit</translation>
    </message>
    <message>
        <source>版本</source>
        <translation>Revision</translation>
    </message>
    <message>
        <source>结论</source>
        <translation>Verdict</translation>
    </message>
    <message>
        <source>原因</source>
        <translation>Reasons</translation>
    </message>
    <message>
        <source>待决冲突</source>
        <translation>Conflicts to decide</translation>
    </message>
    <message>
        <source>收到的文件</source>
        <translation>File received</translation>
    </message>
    <message>
        <source>处理</source>
        <translation>Decide</translation>
    </message>
    <message>
        <source>报送情况</source>
        <translation>Completeness</translation>
    </message>
    <message>
        <source>退回所选单位…</source>
        <translation>Reopen for the selected unit…</translation>
    </message>
    <message>
        <source>把已接收的报表退回该单位修改，其下一份报表将替换它</source>
        <translation>Send the accepted return back to the unit; its next file replaces it</translation>
    </message>
    <message>
        <source>导出所选单位的空白模板</source>
        <translation>Blank template for the selected unit</translation>
    </message>
    <message>
        <source>给没有安装本程序的单位：在 Excel 或 WPS 中填写后交回，与其他报表一样汇总</source>
        <translation>For a unit without the program: filled in with Excel or WPS and sent back, it is merged like any other return</translation>
    </message>
    <message>
        <source>导出本级汇总报表</source>
        <translation>Export this unit&apos;s return</translation>
    </message>
    <message>
        <source>已加入 {n} 个文件。先“预检”看结论，确认无误再“汇总入库”。</source>
        <translation>Added {n} files. Do a dry run first, then merge when the verdicts are right.</translation>
    </message>
    <message>
        <source>{n} 个文件待处理</source>
        <translation>{n} files to process</translation>
    </message>
    <message>
        <source>尚未选择文件</source>
        <translation>No files chosen yet</translation>
    </message>
    <message>
        <source>选择报表文件</source>
        <translation>Choose returns</translation>
    </message>
    <message>
        <source>选择报表所在文件夹</source>
        <translation>Choose the folder of the returns</translation>
    </message>
    <message>
        <source>预检报表</source>
        <translation>Dry run</translation>
    </message>
    <message>
        <source>；其中 {n} 个文件导出后被修改过，请与填报单位核实</source>
        <translation>; {n} of them were edited after export — check with the township</translation>
    </message>
    <message>
        <source>确认加入 {n} 个新的下级单位并汇总…</source>
        <translation>Add {n} new subordinate unit(s) and merge…</translation>
    </message>
    <message>
        <source>；{n} 个单位不在下级单位名单中，核实后可确认加入</source>
        <translation>; {n} unit(s) are not on the list of subordinate units and can be added once checked</translation>
    </message>
    <message>
        <source>预检完成（未保存）：{summary}。确认无误后点“汇总入库”。</source>
        <translation>Dry run finished (nothing saved): {summary}. Merge when this is right.</translation>
    </message>
    <message>
        <source>汇总完成：{summary}。</source>
        <translation>Merged: {summary}.</translation>
    </message>
    <message>
        <source>以下单位不在本单位的下级单位名单中：
{names}

请先核实它们确是本单位新的下级单位（如新设的街道）。确认后它们加入名单（记入操作日志），报表随之汇总入库；报表有问题的不会加入。</source>
        <translation>These units are not on this unit&apos;s list of subordinate units:
{names}

First check that they really are new units under this one (a newly created subdistrict, for instance). Once confirmed they are added to the list (recorded in the audit log) and their returns merged; a unit whose return has problems is not added.</translation>
    </message>
    <message>
        <source>确认加入新的下级单位</source>
        <translation>Add new subordinate units</translation>
    </message>
    <message>
        <source>采用新的</source>
        <translation>Take the new one</translation>
    </message>
    <message>
        <source>保留原有</source>
        <translation>Keep the old one</translation>
    </message>
    <message>
        <source>待决冲突（{n}）</source>
        <translation>Conflicts to decide ({n})</translation>
    </message>
    <message>
        <source>待决冲突：无</source>
        <translation>Conflicts to decide: none</translation>
    </message>
    <message>
        <source>请说明理由（记入操作日志）：</source>
        <translation>Give a reason (recorded in the audit log):</translation>
    </message>
    <message>
        <source>冲突已决定：采用新的</source>
        <translation>Conflict decided: new copy taken</translation>
    </message>
    <message>
        <source>冲突已决定：保留原有</source>
        <translation>Conflict decided: held data kept</translation>
    </message>
    <message>
        <source>代码</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>收到时间</source>
        <translation>Received</translation>
    </message>
    <message>
        <source>备注</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>退回</source>
        <translation>Reopened</translation>
    </message>
    <message>
        <source>退回理由：{reason}</source>
        <translation>Sent back because: {reason}</translation>
    </message>
    <message>
        <source>；</source>
        <translation>; </translation>
    </message>
    <message>
        <source>最近一次拒收的文件：{file}</source>
        <translation>Last refused file: {file}</translation>
    </message>
    <message>
        <source>正在导出 {name} 的空白模板…</source>
        <translation>Writing the blank template for {name}…</translation>
    </message>
    <message>
        <source>已导出 {name}{period}的空白模板：{path}。发给该单位在 Excel 或 WPS 中填写，交回后在本页汇总。</source>
        <translation>Wrote the blank template of {name} for {period}: {path}. Send it to the unit to fill in with Excel or WPS, and merge it here when it comes back.</translation>
    </message>
    <message>
        <source>导出空白模板</source>
        <translation>Blank template</translation>
    </message>
    <message>
        <source>已退回 {name} {period}的报表，等待其重新报送；收到的下一份报表将替换它。</source>
        <translation>Sent {name}&apos;s return for {period} back; its next file will replace it.</translation>
    </message>
    <message>
        <source>迟报</source>
        <translation>late</translation>
    </message>
    <message>
        <source>逾期未报</source>
        <translation>Overdue, not returned</translation>
    </message>
    <message>
        <source>{n} 个冲突</source>
        <translation>{n} conflicts</translation>
    </message>
    <message>
        <source>被拒收 {n} 次</source>
        <translation>rejected {n} time(s)</translation>
    </message>
    <message>
        <source>较上月变化</source>
        <translation>Changes since last month</translation>
    </message>
    <message>
        <source>全部展开</source>
        <translation>Expand all</translation>
    </message>
    <message>
        <source>全部收起</source>
        <translation>Collapse all</translation>
    </message>
    <message>
        <source>填报单位 / 报表</source>
        <translation>Unit / form</translation>
    </message>
    <message>
        <source>行</source>
        <translation>Row</translation>
    </message>
    <message>
        <source>栏目</source>
        <translation>Column</translation>
    </message>
    <message>
        <source>计量单位</source>
        <translation>Unit of measure</translation>
    </message>
    <message>
        <source>上月</source>
        <translation>Last month</translation>
    </message>
    <message>
        <source>本期</source>
        <translation>This month</translation>
    </message>
    <message>
        <source>增减</source>
        <translation>Change</translation>
    </message>
    <message>
        <source>增减幅度</source>
        <translation>Change %</translation>
    </message>
    <message>
        <source>{n} 项变化</source>
        <translation>{n} changes</translation>
    </message>
    <message>
        <source>没有下级单位</source>
        <translation>No units below this one</translation>
    </message>
    <message>
        <source>{n} 个单位有变化（共 {m} 项）</source>
        <translation>{n} units changed ({m} changes in all)</translation>
    </message>
    <message>
        <source>，</source>
        <translation>, </translation>
    </message>
    <message>
        <source>{n} 个与上月相同</source>
        <translation>{n} the same as last month</translation>
    </message>
    <message>
        <source>{n} 个本月未报</source>
        <translation>{n} not reported this month</translation>
    </message>
    <message>
        <source>{n} 个上月无数据</source>
        <translation>{n} with no data last month</translation>
    </message>
    <message>
        <source>退回报表</source>
        <translation>Reopen a return</translation>
    </message>
    <message>
        <source>退回 {name} {period} 的报表，请说明理由（记入操作日志）：</source>
        <translation>Reopen the return of {name} for {period}; give a reason (recorded in the audit log):</translation>
    </message>
    <message>
        <source>已导出第 {rev} 版：{path}</source>
        <translation>Exported revision {rev}: {path}</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>正在取消…</source>
        <translation>Cancelling…</translation>
    </message>
    <message>
        <source>数据库（SQLite 文件路径或 PostgreSQL 地址，留空为默认位置）</source>
        <translation>Database (SQLite file or PostgreSQL URL; empty for the default)</translation>
    </message>
    <message>
        <source>界面语言</source>
        <translation>Language</translation>
    </message>
    <message>
        <source>操作人（记入操作日志）</source>
        <translation>User (recorded in the audit log)</translation>
    </message>
    <message>
        <source>报表导出文件夹</source>
        <translation>Folder for exported returns</translation>
    </message>
    <message>
        <source>单位负责人</source>
        <translation>Head of unit</translation>
    </message>
    <message>
        <source>统计负责人</source>
        <translation>Head of statistics</translation>
    </message>
    <message>
        <source>填表人</source>
        <translation>Filled in by</translation>
    </message>
    <message>
        <source>联系电话</source>
        <translation>Telephone</translation>
    </message>
    <message>
        <source>窗口位置</source>
        <translation>Window position</translation>
    </message>
    <message>
        <source>上次汇总的文件夹</source>
        <translation>Last merge folder</translation>
    </message>
    <message>
        <source>1. 检查本月数据</source>
        <translation>1. Check the month</translation>
    </message>
    <message>
        <source>检查本月数据</source>
        <translation>Check the month</translation>
    </message>
    <message>
        <source>2. 导出 Excel 报表</source>
        <translation>2. Export the Excel return</translation>
    </message>
    <message>
        <source>保存到</source>
        <translation>Save to</translation>
    </message>
    <message>
        <source>选择…</source>
        <translation>Choose…</translation>
    </message>
    <message>
        <source>导出报表 (Ctrl+E)</source>
        <translation>Export the return (Ctrl+E)</translation>
    </message>
    <message>
        <source>每次导出为新的版本（r1、r2…），文件中带有校验码，上级汇总时可识别修改。</source>
        <translation>Each export is a new revision (r1, r2…) carrying a checksum, so the district can tell edits.</translation>
    </message>
    <message>
        <source>打开文件</source>
        <translation>Open the file</translation>
    </message>
    <message>
        <source>打开所在文件夹</source>
        <translation>Open its folder</translation>
    </message>
    <message>
        <source>3. 报送</source>
        <translation>3. Submit</translation>
    </message>
    <message>
        <source>报送并锁定本月</source>
        <translation>Submit and lock the month</translation>
    </message>
    <message>
        <source>4. 已导出的报表</source>
        <translation>4. Exported returns</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>校验码</source>
        <translation>Checksum</translation>
    </message>
    <message>
        <source>🔒 {reason}</source>
        <translation>🔒 {reason}</translation>
    </message>
    <message>
        <source>{period}尚未报送。报送后本月锁定，不能再修改；如需修改须退回并说明理由（记入操作日志）。</source>
        <translation>{period} is not submitted yet. Submitting locks the month; changing it afterwards needs a reopen with a reason (audited).</translation>
    </message>
    <message>
        <source>检查</source>
        <translation>Check</translation>
    </message>
    <message>
        <source>待说明</source>
        <translation>Needs explanation</translation>
    </message>
    <message>
        <source>检查通过，可以导出和报送。</source>
        <translation>All checks pass: ready to export and submit.</translation>
    </message>
    <message>
        <source>本月还没有导出过报表。</source>
        <translation>No return exported for this month yet.</translation>
    </message>
    <message>
        <source>当前</source>
        <translation>Current</translation>
    </message>
    <message>
        <source>已被新版本取代</source>
        <translation>Superseded</translation>
    </message>
    <message>
        <source>报表保存到</source>
        <translation>Save returns to</translation>
    </message>
    <message>
        <source>正在导出 {period} 报表…</source>
        <translation>Exporting the return of {period}…</translation>
    </message>
    <message>
        <source>（汇总 {n} 个单位</source>
        <translation> (sums of {n} units</translation>
    </message>
    <message>
        <source>，其中 {n} 个已退回、暂用退回前的数据</source>
        <translation>, {n} of them sent back (their data before that is used)</translation>
    </message>
    <message>
        <source>，{n} 个未报）</source>
        <translation>, {n} missing)</translation>
    </message>
    <message>
        <source>）</source>
        <translation>)</translation>
    </message>
    <message>
        <source>（注意：仍有 {hard} 处错误、{soft} 处待说明）</source>
        <translation> (note: {hard} error(s) and {soft} missing explanation(s) remain)</translation>
    </message>
    <message>
        <source>已导出 {name}</source>
        <translation>Exported {name}</translation>
    </message>
    <message>
        <source>导出失败：{error}</source>
        <translation>Export failed: {error}</translation>
    </message>
    <message>
        <source>报送</source>
        <translation>Submit</translation>
    </message>
    <message>
        <source>报送后{period}的数据将锁定，不能再修改。确定报送吗？</source>
        <translation>Submitting locks the data of {period}. Submit now?</translation>
    </message>
    <message>
        <source>未能报送：{error}</source>
        <translation>Not submitted: {error}</translation>
    </message>
    <message>
        <source>{period}已报送并锁定。</source>
        <translation>{period} submitted and locked.</translation>
    </message>
    <message>
        <source>{period}已报送</source>
        <translation>{period} submitted</translation>
    </message>
    <message>
        <source>退回修改</source>
        <translation>Reopen</translation>
    </message>
    <message>
        <source>退回{period}的报表以便修改。请填写理由（将记入操作日志）：</source>
        <translation>Reopen {period} for changes. Give a reason (recorded in the audit log):</translation>
    </message>
    <message>
        <source>本单位</source>
        <translation>Own unit</translation>
    </message>
    <message>
        <source>单位名称</source>
        <translation>Unit name</translation>
    </message>
    <message>
        <source>单位代码</source>
        <translation>Unit code</translation>
    </message>
    <message>
        <source>级别</source>
        <translation>Level</translation>
    </message>
    <message>
        <source>上级单位</source>
        <translation>Parent unit</translation>
    </message>
    <message>
        <source>工作方案</source>
        <translation>Work plan</translation>
    </message>
    <message>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>代码，如 371002007</source>
        <translation>code, e.g. 371002007</translation>
    </message>
    <message>
        <source>名称，如 温泉镇</source>
        <translation>name, e.g. 温泉镇</translation>
    </message>
    <message>
        <source>添加</source>
        <translation>Add</translation>
    </message>
    <message>
        <source>下级单位</source>
        <translation>Subordinate units</translation>
    </message>
    <message>
        <source>报表落款（打印在每张表下方）</source>
        <translation>Signatories (printed under every form)</translation>
    </message>
    <message>
        <source>数据库</source>
        <translation>Database</translation>
    </message>
    <message>
        <source>当前使用</source>
        <translation>In use</translation>
    </message>
    <message>
        <source>选择数据库文件…</source>
        <translation>Choose the database file…</translation>
    </message>
    <message>
        <source>更改为</source>
        <translation>Change to</translation>
    </message>
    <message>
        <source>共用数据库请填写 PostgreSQL 地址，例如 postgresql://用户名@服务器/两新?schema=环翠区。更改后重新启动程序生效。</source>
        <translation>For a shared database enter a PostgreSQL URL, e.g. postgresql://user@server/liangxin?schema=huancui. Takes effect after a restart.</translation>
    </message>
    <message>
        <source>打开数据文件夹</source>
        <translation>Open the data folder</translation>
    </message>
    <message>
        <source>界面与操作人</source>
        <translation>Interface and user</translation>
    </message>
    <message>
        <source>已保存：{title}</source>
        <translation>Saved: {title}</translation>
    </message>
    <message>
        <source>。重新启动程序后生效。</source>
        <translation>. Takes effect after a restart.</translation>
    </message>
    <message>
        <source>界面语言已保存，重新启动程序后生效。</source>
        <translation>Language saved; it takes effect after a restart.</translation>
    </message>
    <message>
        <source>选择数据库文件</source>
        <translation>Choose a database file</translation>
    </message>
    <message>
        <source>SQLite 数据库 (*.sqlite3 *.db);;所有文件 (*)</source>
        <translation>SQLite databases (*.sqlite3 *.db);;All files (*)</translation>
    </message>
    <message>
        <source>未能添加：{error}</source>
        <translation>Not added: {error}</translation>
    </message>
    <message>
        <source>已添加 {name}（{code}）</source>
        <translation>Added {name} ({code})</translation>
    </message>
    <message>
        <source>第{n}行：应为“代码 名称”，如 371002001 环翠楼街道</source>
        <translation>Line {n}: expected “code name”, e.g. 371002001 环翠楼街道</translation>
    </message>
    <message>
        <source>第{n}行：代码 {code} 重复</source>
        <translation>Line {n}: code {code} repeated</translation>
    </message>
    <message>
        <source>欢迎使用两新填报</source>
        <translation>Welcome to LiangXin Reporter</translation>
    </message>
    <message>
        <source>推动大规模设备更新和消费品以旧换新工作 · 月度填报与汇总</source>
        <translation>Equipment renewal and consumer trade-in · monthly reporting and merging</translation>
    </message>
    <message>
        <source>第一次使用需要设置三件事：

1. 本地执行的工作方案（内置五个方案，也可导入）；
2. 本单位的名称和代码，以及上级单位；
3. 如果本单位是区县，填写所辖镇街，以便汇总。

以后都可以在“设置”中查看和补充。</source>
        <translation>The first start needs three things:

1. the work plan you implement (five are built in, or import one);
2. your unit&apos;s name and code, and its parent unit;
3. for a district, its townships, so that their returns can be merged.

All of it can be seen and extended later under Settings.</translation>
    </message>
    <message>
        <source>数据保存在：</source>
        <translation>The data is kept in:</translation>
    </message>
    <message>
        <source>选择工作方案</source>
        <translation>Choose the work plan</translation>
    </message>
    <message>
        <source>选择本地印发的实施方案；任务、牵头单位和目标将按方案列出。</source>
        <translation>Choose the plan issued for your area; tasks, lead units and targets follow it.</translation>
    </message>
    <message>
        <source>从文件导入方案…</source>
        <translation>Import a plan file…</translation>
    </message>
    <message>
        <source>导入</source>
        <translation>imported</translation>
    </message>
    <message>
        <source>{n} 项任务</source>
        <translation>{n} tasks</translation>
    </message>
    <message>
        <source>导入工作方案</source>
        <translation>Import a work plan</translation>
    </message>
    <message>
        <source>方案文件 (*.json)</source>
        <translation>Plan files (*.json)</translation>
    </message>
    <message>
        <source>单位代码用于上下级之间识别报表，请使用统计用区划代码（如 371002001）。</source>
        <translation>The unit code identifies returns between levels; use the statistical division code (e.g. 371002001).</translation>
    </message>
    <message>
        <source>镇街（填报）</source>
        <translation>Township (reports)</translation>
    </message>
    <message>
        <source>区县（汇总镇街）</source>
        <translation>District (merges townships)</translation>
    </message>
    <message>
        <source>市（汇总区县）</source>
        <translation>City (merges districts)</translation>
    </message>
    <message>
        <source>如 环翠楼街道</source>
        <translation>e.g. 环翠楼街道</translation>
    </message>
    <message>
        <source>如 371002001</source>
        <translation>e.g. 371002001</translation>
    </message>
    <message>
        <source>如 环翠区</source>
        <translation>e.g. 环翠区</translation>
    </message>
    <message>
        <source>如 371002</source>
        <translation>e.g. 371002</translation>
    </message>
    <message>
        <source>上级单位（选填）</source>
        <translation>Parent unit (optional)</translation>
    </message>
    <message>
        <source>上级名称</source>
        <translation>Parent name</translation>
    </message>
    <message>
        <source>上级代码</source>
        <translation>Parent code</translation>
    </message>
    <message>
        <source>上级代码不能与本单位代码相同</source>
        <translation>The parent code must differ from the unit&apos;s own code</translation>
    </message>
    <message>
        <source>市级单位不填上级单位</source>
        <translation>A city has no parent unit</translation>
    </message>
    <message>
        <source>所辖单位</source>
        <translation>Subordinate units</translation>
    </message>
    <message>
        <source>每行一个：代码 名称。可从 Excel 复制两列直接粘贴。以后也可在“设置”中添加。</source>
        <translation>One per line: code and name. Paste two columns from Excel. More can be added later under Settings.</translation>
    </message>
    <message>
        <source>第{n}行：代码 {code} 已是本单位或上级单位的代码</source>
        <translation>Line {n}: code {code} is already the unit&apos;s or its parent&apos;s</translation>
    </message>
    <message>
        <source>第{n}行：代码“{code}”须为1–32位数字或英文字母（可含 - 和 _）</source>
        <translation>Line {n}: code “{code}” must be 1–32 digits or Latin letters (- and _ allowed)</translation>
    </message>
    <message>
        <source>单位代码须为1–32位数字或英文字母（可含 - 和 _），不含空格</source>
        <translation>The unit code must be 1–32 digits or Latin letters (- and _ allowed), without spaces</translation>
    </message>
    <message>
        <source>上级代码须为1–32位数字或英文字母（可含 - 和 _），不含空格</source>
        <translation>The parent code must be 1–32 digits or Latin letters (- and _ allowed), without spaces</translation>
    </message>
    <message>
        <source>确认</source>
        <translation>Confirm</translation>
    </message>
    <message>
        <source>点击“完成”后保存设置并进入填报。</source>
        <translation>Click Finish to store this and start entering.</translation>
    </message>
    <message>
        <source>数据位置</source>
        <translation>Data location</translation>
    </message>
    <message>
        <source>{n} 个：</source>
        <translation>{n}: </translation>
    </message>
    <message>
        <source>暂无（可稍后在“设置”中添加）</source>
        <translation>none yet (add them later under Settings)</translation>
    </message>
    <message>
        <source>两新填报 — 首次设置</source>
        <translation>LiangXin Reporter — first-run setup</translation>
    </message>
    <message>
        <source>下一步 &gt;</source>
        <translation>Next &gt;</translation>
    </message>
    <message>
        <source>&lt; 上一步</source>
        <translation>&lt; Back</translation>
    </message>
    <message>
        <source>完成</source>
        <translation>Finish</translation>
    </message>
    <message>
        <source>未能保存</source>
        <translation>Not saved</translation>
    </message>
    <message>
        <source>两新填报备份 (*.sqlite3 *.db);;所有文件 (*)</source>
        <translation>LiangXin backups (*.sqlite3 *.db);;All files (*)</translation>
    </message>
    <message>
        <source>每日自动</source>
        <translation>Daily (automatic)</translation>
    </message>
    <message>
        <source>手动</source>
        <translation>Manual</translation>
    </message>
    <message>
        <source>升级前</source>
        <translation>Before upgrade</translation>
    </message>
    <message>
        <source>恢复前</source>
        <translation>Before restore</translation>
    </message>
    <message>
        <source>备份与恢复</source>
        <translation>Backup and restore</translation>
    </message>
    <message>
        <source>还没有备份。</source>
        <translation>No backups yet.</translation>
    </message>
    <message>
        <source>立即备份…</source>
        <translation>Back up now…</translation>
    </message>
    <message>
        <source>从所选备份恢复…</source>
        <translation>Restore the selected backup…</translation>
    </message>
    <message>
        <source>从其他文件恢复…</source>
        <translation>Restore from another file…</translation>
    </message>
    <message>
        <source>打开备份文件夹</source>
        <translation>Open the backups folder</translation>
    </message>
    <message>
        <source>只有管理员可以恢复备份</source>
        <translation>Only an administrator may restore a backup</translation>
    </message>
    <message>
        <source>备份到</source>
        <translation>Back up to</translation>
    </message>
    <message>
        <source>选择备份文件</source>
        <translation>Choose a backup file</translation>
    </message>
    <message>
        <source>备份时间</source>
        <translation>Taken</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Kind</translation>
    </message>
    <message>
        <source>大小</source>
        <translation>Size</translation>
    </message>
    <message>
        <source>共用的 PostgreSQL 数据库由技术人员在服务器上用 pg_dump 备份、用 pg_restore 恢复（见 IT 指南 docs/it-guide.md 的 “A shared PostgreSQL database” 一节）；本程序只备份本机的 SQLite 数据库文件。</source>
        <translation>The shared PostgreSQL database is backed up on the server by IT with pg_dump and restored with pg_restore (see the IT guide, docs/it-guide.md, “A shared PostgreSQL database”); this program backs up local SQLite database files only.</translation>
    </message>
    <message>
        <source>备份</source>
        <translation>Backup</translation>
    </message>
    <message>
        <source>用这份备份替换当前数据库吗？

备份：{backup}{taken}
当前数据库：{target}

当前数据库会先完整另存一份到 {folder}（类型“恢复前”），需要时可以再恢复回来。恢复后显示的是备份时的数据，备份之后录入的内容不在其中。</source>
        <translation>Replace the current database with this backup?

Backup: {backup}{taken}
Current database: {target}

A complete copy of the current database is kept in {folder} first (kind “Before restore”), so it can be restored again if needed. After the restore the program shows the data as it was when the backup was taken; anything entered since is not in it.</translation>
    </message>
    <message>
        <source>从备份恢复</source>
        <translation>Restore from a backup</translation>
    </message>
    <message>
        <source>正在从备份恢复…</source>
        <translation>Restoring from the backup…</translation>
    </message>
    <message>
        <source>已从 {backup} 恢复。</source>
        <translation>Restored from {backup}.</translation>
    </message>
    <message>
        <source>已备份到 {path}（已通过完整性检查）</source>
        <translation>Backed up to {path} (integrity check passed)</translation>
    </message>
    <message>
        <source>恢复前的数据库另存为 {kept}。</source>
        <translation>The database as it was before is kept at {kept}.</translation>
    </message>
    <message>
        <source>恢复的数据库属于其他单位或登录设置不同，程序将关闭，请重新启动。</source>
        <translation>The restored database belongs to another unit or has a different login setting; the program will close. Please start it again.</translation>
    </message>
    <message>
        <source>每天第一次启动程序时自动备份到 {folder}，保留最近 {days} 天和每月的第一份。每份备份都经过完整性检查。恢复前，当前数据库会先另存一份。</source>
        <translation>The first start each day backs up automatically to {folder}, keeping the last {days} days and the first copy of each month. Every backup passes an integrity check. Before a restore, the current database is copied aside.</translation>
    </message>
    <message>
        <source>未能备份：{error}</source>
        <translation>Not backed up: {error}</translation>
    </message>
    <message>
        <source>注意：{risk}。</source>
        <translation>Note: {risk}.</translation>
    </message>
    <message>
        <source>恢复后需要重新启动程序。</source>
        <translation>The program must be started again after the restore.</translation>
    </message>
    <message>
        <source>未能恢复：{error}</source>
        <translation>Not restored: {error}</translation>
    </message>
    <message>
        <source>其他文件…</source>
        <translation>Another file…</translation>
    </message>
    <message>
        <source>没有找到可用的备份。可以选择其他备份文件（例如U盘上的），或联系技术人员。</source>
        <translation>No usable backup was found. You can choose another backup file (for example on a USB stick), or contact IT.</translation>
    </message>
    <message>
        <source>从最近的备份恢复</source>
        <translation>Restore the newest backup</translation>
    </message>
    <message>
        <source>选择其他备份…</source>
        <translation>Choose another backup…</translation>
    </message>
    <message>
        <source>仍然打开</source>
        <translation>Open anyway</translation>
    </message>
    <message>
        <source>选择备份</source>
        <translation>Choose a backup</translation>
    </message>
    <message>
        <source>从哪份备份恢复：</source>
        <translation>Restore from which backup:</translation>
    </message>
    <message>
        <source>数据库文件 {target} 检查发现问题，数据可能已损坏：</source>
        <translation>The check of the database file {target} found problems; the data may be damaged:</translation>
    </message>
    <message>
        <source>建议从最近的备份（{taken}，{kind}）恢复；损坏的文件会先另存一份。</source>
        <translation>Restoring the newest backup ({taken}, {kind}) is advised; the damaged file is copied aside first.</translation>
    </message>
    <message>
        <source>
备份之后录入的内容不在其中，请核对最近几天的数据。</source>
        <translation>
Anything entered after the backup is not in it; please check the last few days’ data.</translation>
    </message>
    <message>
        <source>……另有 {n} 处问题</source>
        <translation>… and {n} more problems</translation>
    </message>
    <message>
        <source>未能从 {backup} 恢复：
{error}</source>
        <translation>Could not restore from {backup}:
{error}</translation>
    </message>
    <message>
        <source>已从 {backup} 恢复数据库。</source>
        <translation>The database was restored from {backup}.</translation>
    </message>
    <message>
        <source>
损坏的数据库另存为 {kept}，技术人员可以查看。</source>
        <translation>
The damaged database is kept at {kept} for IT to look at.</translation>
    </message>
    <message>
        <source>，请在“说明”中解释</source>
        <translation>; give an explanation in 说明</translation>
    </message>
    <message>
        <source>未能报送：{place}：{message}{todo}{more}。双击上方列表中的一条可跳到对应单元格。</source>
        <translation>Not submitted: {place}: {message}{todo}{more}. Double-click a line in the list above to go to its cell.</translation>
    </message>
    <message>
        <source>{n} 处错误须改正</source>
        <translation>{n} error(s) to correct</translation>
    </message>
    <message>
        <source>{n} 处须填写说明</source>
        <translation>{n} explanation(s) to give</translation>
    </message>
    <message>
        <source>，改好后才能报送。双击一条可跳到对应单元格。</source>
        <translation> before submitting. Double-click a line to go to its cell.</translation>
    </message>
    <message>
        <source>采用新的报表</source>
        <translation>Take the new return</translation>
    </message>
    <message>
        <source>保留原有报表</source>
        <translation>Keep the held return</translation>
    </message>
    <message>
        <source>采用新收到的“{file}”，替换 {name}（{code}）{period}已接收的数据（原有数据留在历史中）。</source>
        <translation>Take the newly received “{file}” in place of the data held for {name} ({code}), {period} (the held data stays in the history).</translation>
    </message>
    <message>
        <source>导出后被修改</source>
        <translation>edited after export</translation>
    </message>
    <message>
        <source>核实问题未说明</source>
        <translation>warnings not explained</translation>
    </message>
    <message>
        <source>（{flag}）</source>
        <translation> ({flag})</translation>
    </message>
    <message>
        <source>待确认加入</source>
        <translation>Waiting to be added</translation>
    </message>
    <message>
        <source>确认加入并汇总…</source>
        <translation>Add and merge…</translation>
    </message>
    <message>
        <source>核实这些单位确是本单位新的下级单位后，把它们加入名单并汇总其报表</source>
        <translation>Once you have checked that these units really are new units under this one, add them to the list and merge their returns</translation>
    </message>
    <message>
        <source>已采用新收到的“{file}”：{name} {period}的数据已替换。</source>
        <translation>Took the newly received “{file}”: the data of {name}, {period} is replaced.</translation>
    </message>
    <message>
        <source>保留 {name}（{code}）{period}已接收的数据，不采用新收到的“{file}”。</source>
        <translation>Keep the data held for {name} ({code}), {period}, and not take the newly received “{file}”.</translation>
    </message>
    <message>
        <source>已保留 {name} {period}原有的数据，未采用“{file}”。</source>
        <translation>Kept the data held for {name}, {period}; “{file}” was not taken.</translation>
    </message>
    <message>
        <source>{n} 处核实问题未说明</source>
        <translation>{n} warnings without an explanation</translation>
    </message>
    <message>
        <source>下级报表中有 {found}</source>
        <translation>The returns below have {found}</translation>
    </message>
    <message>
        <source>，须由填报单位改正或说明后重报（可在“汇总合并”中退回）。双击一条可查看对应单元格。</source>
        <translation>; the reporting units must correct or explain them and report again (send a return back on Merge). Double-click a line to see its cell.</translation>
    </message>
    <message>
        <source>正在检查数据库…</source>
        <translation>Checking the database…</translation>
    </message>
    <message>
        <source>更换数据库</source>
        <translation>Change the database</translation>
    </message>
    <message>
        <source>数据库设置未更改，仍使用当前数据库。</source>
        <translation>The database setting is unchanged; the current database stays in use.</translation>
    </message>
    <message>
        <source>数据库设置未保存：{error}</source>
        <translation>The database setting was not saved: {error}</translation>
    </message>
    <message>
        <source>{target} 中还没有数据（没有设置本单位）。重新启动后程序会进入首次设置，当前数据库中 {own}（{own_code}）的数据不会带过去。

共用的 PostgreSQL 数据库应先由技术人员初始化（liangxin-cli --db 地址 init …，见 IT 指南）；要把本机数据搬到另一个文件，请先“立即备份…”，改用新文件后再“从其他文件恢复…”。

仍要改用它吗？</source>
        <translation>{target} holds no data yet (no own unit is set). After a restart the program opens the first-run setup, and the data of {own} ({own_code}) in the current database is not taken along.

A shared PostgreSQL database should first be initialised by IT (liangxin-cli --db ADDRESS init …, see the IT guide); to move this PC&apos;s data to another file, use “Back up now…” first, then, on the new file, “Restore from another file…”.

Use it anyway?</translation>
    </message>
    <message>
        <source>{target} 中的本单位是 {name}（{code}），不是 {own}（{own_code}）。重新启动后程序显示的是它的数据。

仍要改用它吗？</source>
        <translation>The own unit of {target} is {name} ({code}), not {own} ({own_code}). After a restart the program shows its data.

Use it anyway?</translation>
    </message>
    <message>
        <source>使用说明</source>
        <translation>User guide</translation>
    </message>
</context>
</TS>
