import { beforeAll, describe, expect, it } from 'vitest'
import { generateFirmware } from '../../../../src/main/core/codegen/firmware'
import { cgModelFromTflite } from '../../../../src/main/core/codegen/graph'
import { normalizePreprocessing } from '../../../../src/main/core/codegen/preprocessing-header'
import { exportModel } from '../../../../src/main/core/export/export-model'
import { loadFirmwareTemplates } from '../../../../src/main/services/deploy-service'
import { firmwareResourcesDir } from '../../../../src/main/sim/firmware/firmware-folder'
import { TFLM_ARDUINO_ZIP_URL } from '../../../../src/shared/arduino-libraries'
import { FLASH_GUIDES } from '../../../../src/renderer/src/views/deploy-guides'
import { convNet, loadPunchFlex } from '../export/models'

let readme = ''

beforeAll(async () => {
  const templates = await loadFirmwareTemplates(firmwareResourcesDir())
  const bytes = exportModel(convNet(), { mode: 'int8', representativeData: loadPunchFlex().windows.slice(0, 10) }).bytes
  const project = generateFirmware({
    name: 'gesture',
    projectName: 'Punch or flex',
    target: 'nano33ble',
    runtime: 'tflm',
    mode: 'classify',
    kind: 'arduino',
    model: { bytes, graph: cgModelFromTflite(bytes), label: 'int8' },
    preprocessing: normalizePreprocessing({ kind: 'minmax', axes: ['aX', 'aY', 'aZ', 'gX', 'gY', 'gZ'], min: [-4, -4, -4, -2000, -2000, -2000], max: [4, 4, 4, 2000, 2000, 2000], windowLength: 30 }, { axes: [], windowLength: null }),
    classes: ['punch', 'flex'],
    sampleRateHz: 100,
    baud: 115200,
    templates
  })
  readme = project.files.find((f) => f.path === 'README.md')?.contents ?? ''
})

describe('installing TensorFlow Lite Micro for Arduino', () => {
  it('the Deploy card and the generated README give the same way (a ZIP, not the Library Manager)', () => {
    const card = FLASH_GUIDES.arduino.steps.join('\n')
    expect(readme).toContain(TFLM_ARDUINO_ZIP_URL)
    expect(readme).toMatch(/Add \.ZIP Library/)
    expect(card).toContain(TFLM_ARDUINO_ZIP_URL)
    expect(card).toMatch(/Add \.ZIP Library/)
    // The card must not send TensorFlow Lite Micro to the Library Manager.
    for (const step of FLASH_GUIDES.arduino.steps) if (/Library Manager|Manage Libraries/.test(step)) expect(step).not.toMatch(/TensorFlow Lite Micro for Arduino/)
  })
})
