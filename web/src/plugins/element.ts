import type { App, Plugin } from 'vue';
import {
  ElAlert, ElAside, ElButton, ElCard, ElCol, ElConfigProvider, ElContainer, ElDescriptions, ElDescriptionsItem,
  ElDropdown, ElDropdownItem, ElDropdownMenu, ElEmpty, ElForm, ElFormItem, ElHeader, ElIcon, ElInput, ElLink,
  ElMain, ElMenu, ElMenuItem, ElPagination, ElRow, ElSkeleton, ElStatistic, ElSubMenu, ElTabPane, ElTable,
  ElTableColumn, ElTabs, ElTag, ElTooltip, ElUpload, ElLoading,
  ElCheckbox, ElCheckboxGroup, ElCollapse, ElCollapseItem, ElDivider, ElInputNumber, ElOption, ElProgress, ElRadio, ElRadioButton,
  ElRadioGroup, ElSelect, ElStep, ElSteps, ElTimeline, ElTimelineItem, ElDialog,
} from 'element-plus';
import 'element-plus/dist/index.css';

/**
 * Only the Element Plus components the portal uses are registered, so the bundle holds only
 * them. A page needing another one adds it to this list.
 */
const components: Plugin[] = [
  ElAlert, ElAside, ElButton, ElCard, ElCol, ElConfigProvider, ElContainer, ElDescriptions, ElDescriptionsItem,
  ElDropdown, ElDropdownItem, ElDropdownMenu, ElEmpty, ElForm, ElFormItem, ElHeader, ElIcon, ElInput, ElLink,
  ElMain, ElMenu, ElMenuItem, ElPagination, ElRow, ElSkeleton, ElStatistic, ElSubMenu, ElTabPane, ElTable,
  ElTableColumn, ElTabs, ElTag, ElTooltip, ElUpload, ElLoading,
  // the approval, supervision, audit and administration pages
  ElCheckbox, ElCheckboxGroup, ElCollapse, ElCollapseItem, ElDivider, ElInputNumber, ElOption, ElProgress, ElRadio, ElRadioButton,
  ElRadioGroup, ElSelect, ElStep, ElSteps, ElTimeline, ElTimelineItem,
  // role edit, the one-time password, a payment run's rejection
  ElDialog,
];

export function installElement(app: App) {
  for (const c of components) app.use(c);
}
