/**
 * The boards Microforge generates firmware for. Flash and RAM are what the application may use
 * (after bootloader and reserved regions), so fit checks compare against these, not the chip's
 * datasheet totals. Framework numbers are the cost of an empty sketch/app on that core, measured
 * figures rounded up: the model and runtime must fit in what is left.
 */
export type TargetId = 'nano33ble' | 'esp32' | 'pico' | 'stm32f4'
export type RuntimeId = 'tflm' | 'c'
export type FirmwareMode = 'capture' | 'classify' | 'profile'
export type ProjectKind = 'arduino' | 'platformio' | 'esp-idf'

export interface BoardInfo {
  id: TargetId
  name: string
  mcu: string
  core: string
  clockMHz: number
  /** Application flash in bytes. */
  flashBytes: number
  /** RAM available to the application in bytes. */
  ramBytes: number
  /** Empty-project cost on this core (Arduino/Mbed/ESP-IDF runtime, USB serial, I2C). */
  frameworkFlashBytes: number
  frameworkRamBytes: number
  /** Motion sensor the templates read. */
  sensor: string
  /** Project kinds offered, the first is the default. */
  projects: ProjectKind[]
  platformio: { platform: string; board: string; framework: string }
  /** Wiring for external sensors, shown in the README. */
  wiring: string | null
}

const KB = 1024

export const BOARDS: Record<TargetId, BoardInfo> = {
  nano33ble: {
    id: 'nano33ble',
    name: 'Arduino Nano 33 BLE Sense (Rev1 or Rev2)',
    mcu: 'nRF52840',
    core: 'Arm Cortex-M4F',
    clockMHz: 64,
    flashBytes: 983040, // 1 MB minus the 64 KB bootloader
    ramBytes: 256 * KB,
    frameworkFlashBytes: 90 * KB,
    frameworkRamBytes: 46 * KB,
    sensor: 'on-board IMU: LSM9DS1 (Rev1) or BMI270 + BMM150 (Rev2)',
    projects: ['arduino', 'platformio'],
    platformio: { platform: 'nordicnrf52', board: 'nano33ble', framework: 'arduino' },
    wiring: null
  },
  esp32: {
    id: 'esp32',
    name: 'ESP32 DevKit (esp32dev) + MPU6050',
    mcu: 'ESP32-D0WD',
    core: 'Xtensa LX6 (dual core)',
    clockMHz: 240,
    flashBytes: 1310720, // default "app" partition of a 4 MB module
    ramBytes: 320 * KB,
    frameworkFlashBytes: 260 * KB,
    frameworkRamBytes: 30 * KB,
    sensor: 'MPU6050 on I2C (GPIO21 SDA, GPIO22 SCL)',
    projects: ['platformio', 'esp-idf'],
    platformio: { platform: 'espressif32', board: 'esp32dev', framework: 'arduino' },
    wiring: 'MPU6050 VCC -> 3V3, GND -> GND, SDA -> GPIO21, SCL -> GPIO22 (AD0 to GND: address 0x68).'
  },
  pico: {
    id: 'pico',
    name: 'Raspberry Pi Pico (RP2040) + MPU6050',
    mcu: 'RP2040',
    core: 'Arm Cortex-M0+ (dual core)',
    clockMHz: 133,
    flashBytes: 2 * KB * KB,
    ramBytes: 264 * KB,
    frameworkFlashBytes: 60 * KB,
    frameworkRamBytes: 12 * KB,
    sensor: 'MPU6050 on I2C0 (GP4 SDA, GP5 SCL)',
    projects: ['platformio'],
    platformio: { platform: 'raspberrypi', board: 'pico', framework: 'arduino' },
    wiring: 'MPU6050 VCC -> 3V3(OUT) (pin 36), GND -> GND, SDA -> GP4 (pin 6), SCL -> GP5 (pin 7).'
  },
  stm32f4: {
    id: 'stm32f4',
    name: 'STM32F411 "Black Pill" + MPU6050',
    mcu: 'STM32F411CEU6',
    core: 'Arm Cortex-M4F',
    clockMHz: 100,
    flashBytes: 512 * KB,
    ramBytes: 128 * KB,
    frameworkFlashBytes: 30 * KB,
    frameworkRamBytes: 4 * KB,
    sensor: 'MPU6050 on I2C1 (PB7 SDA, PB6 SCL)',
    projects: ['platformio'],
    platformio: { platform: 'ststm32', board: 'blackpill_f411ce', framework: 'arduino' },
    wiring: 'MPU6050 VCC -> 3V3, GND -> GND, SDA -> PB7, SCL -> PB6.'
  }
}

export const TARGET_IDS = Object.keys(BOARDS) as TargetId[]
