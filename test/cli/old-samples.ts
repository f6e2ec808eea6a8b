/**
 * The sample configs the board profiles shipped before boards held their device (top-level
 * sensors naming their board and driver, `baud` beside the port), verbatim. `fieldnode migrate`
 * must turn each into the sample the profile ships now.
 */
export const OLD_SAMPLES: Readonly<Record<string, string>> = {
  'arduino-mega': `# yaml-language-server: $schema=../../schema/fieldnode.schema.json
#
# A Mega 2560 R3 (2341:0042) running boards/sketches/lines-analog/, which prints the raw 10-bit
# readings a0..a15 once a second at 9600 baud. Only the wired inputs are named here; the
# others are ignored. One count is 5 / 1024 V with the default reference.
node:
  id: pumphouse-03
  site: reservoir-north
broker:
  url: mqtts://broker.example.net:8883
  username: pumphouse-03
  password: { env: FIELDNODE_BROKER_PASSWORD }
boards:
  - id: tanks
    port: /dev/serial/by-id/usb-Arduino__www.arduino.cc__0042_75833353035351B0B1A1-if00
    baud: 9600
sensors:
  # 0.5-4.5 V ratiometric pressure transducers (0-10 bar), in Pa: (count x 5/1024 - 0.5) x 250,000.
  - { name: inlet_pressure, board: tanks, unit: Pa, driver: { type: lines, key: a0, scale: 1220.703125, offset: -125000 } }
  - { name: outlet_pressure, board: tanks, unit: Pa, driver: { type: lines, key: a1, scale: 1220.703125, offset: -125000 } }
  # Float potentiometers in the tanks, raw counts (0 empty .. 1023 full).
  - { name: tank_a_level_raw, board: tanks, unit: count, driver: { type: lines, key: a8 } }
  - { name: tank_b_level_raw, board: tanks, unit: count, driver: { type: lines, key: a9 } }
  - { name: tank_c_level_raw, board: tanks, unit: count, driver: { type: lines, key: a15 } }
`,
  'arduino-nano': `# yaml-language-server: $schema=../../schema/fieldnode.schema.json
#
# A genuine Nano (FTDI FT232RL, 0403:6001) running boards/sketches/lines-analog/, which prints the
# raw 10-bit readings a0..a7 once a second at 9600 baud. \`scale\` turns counts into units:
# with the 5 V default reference one count is 5 / 1024 V = 0.0048828125 V.
node:
  id: greenhouse-01
  site: nursery
broker:
  url: mqtts://broker.example.net:8883
  username: greenhouse-01
  password: { env: FIELDNODE_BROKER_PASSWORD }
boards:
  - id: beds
    port: /dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0
    baud: 9600
sensors:
  # Capacitive soil-moisture probe on A0: the raw reading, calibrated downstream (dry ~ 600, wet ~ 280).
  - { name: soil_moisture_raw, board: beds, unit: count, driver: { type: lines, key: a0 } }
  # 12 V battery through a 10k/3.3k divider on A1: volts = count x 5/1024 x (13.3/3.3).
  - { name: battery, board: beds, unit: V, driver: { type: lines, key: a1, scale: 0.019679214015 } }
  # LM35 on A2: 10 mV per degree, so degrees = count x 5/1024 x 100.
  - { name: air_temperature, board: beds, unit: Cel, driver: { type: lines, key: a2, scale: 0.48828125 } }
  # Light-dependent resistor divider on A7 (analog-only pin), raw.
  - { name: light_raw, board: beds, unit: count, driver: { type: lines, key: a7 } }
`,
  'arduino-uno': `# yaml-language-server: $schema=../../schema/fieldnode.schema.json
#
# An Uno clone (CH340 USB-serial, 1a86:7523) running sketches/weather-station/, read through
# the \`lines\` driver at the sketch's 9600 baud. A CH340 has no serial number, so its by-id name
# is the same for every clone: with two on one gateway, use /dev/serial/by-path/ instead.
node:
  id: ws-02
  site: allotments
broker:
  url: mqtts://broker.example.net:8883
  username: ws-02
  password: { env: FIELDNODE_BROKER_PASSWORD }
boards:
  - id: station
    port: /dev/serial/by-id/usb-1a86_USB2.0-Serial-if00-port0
    baud: 9600
sensors:
  - { name: temperature, board: station, unit: Cel, driver: { type: lines, key: t } }
  - { name: humidity, board: station, unit: "%RH", driver: { type: lines, key: h } }
  - { name: pressure, board: station, unit: Pa, driver: { type: lines, key: p } }
  - { name: rain, board: station, unit: mm, driver: { type: lines, key: r } }
`,
  'raspberry-pi-3': `# yaml-language-server: $schema=../../schema/fieldnode.schema.json
#
# A Raspberry Pi 3 as an air-quality gateway: an SDS011 on the CH340 USB adapter it ships
# with (1a86:7523), 9600 baud. The Pi itself has no ADC; it reads the sensor over USB serial.
node:
  id: aq-03
  site: market-square
broker:
  url: mqtts://broker.example.net:8883
  username: aq-03
  password: { env: FIELDNODE_BROKER_PASSWORD }
boards:
  - id: air
    port: /dev/serial/by-id/usb-1a86_USB2.0-Serial-if00-port0
    baud: 9600
sensors:
  - { name: pm2_5, board: air, unit: ug/m3, driver: { type: sds011, field: pm2_5 } }
  - { name: pm10, board: air, unit: ug/m3, driver: { type: sds011, field: pm10 } }
`,
  'raspberry-pi-4': `# yaml-language-server: $schema=../../schema/fieldnode.schema.json
#
# A Raspberry Pi 4 as an indoor gateway: a PMS5003 on a CP2102 adapter and an MH-Z19 on an
# FTDI cable, each on its own USB-serial port at 9600 baud.
node:
  id: school-07
  site: riverside-school
broker:
  url: mqtts://broker.example.net:8883
  username: school-07
  password: { env: FIELDNODE_BROKER_PASSWORD }
boards:
  - id: particles
    port: /dev/serial/by-id/usb-Silicon_Labs_CP2102_USB_to_UART_Bridge_Controller_0001-if00-port0
    baud: 9600
  - id: co2
    port: /dev/serial/by-id/usb-FTDI_TTL232R-3V3_FT5Q2B7C-if00-port0
    baud: 9600
sensors:
  - { name: pm2_5, board: particles, unit: ug/m3, driver: { type: pms5003, field: pm2_5 } }
  - { name: pm10, board: particles, unit: ug/m3, driver: { type: pms5003, field: pm10 } }
  - { name: co2, board: co2, unit: ppm, driver: { type: mhz19, intervalMs: 10000 } }
`,
  'raspberry-pi-5': `# yaml-language-server: $schema=../../schema/fieldnode.schema.json
#
# A Raspberry Pi 5 as a river station: two Modbus RTU probes (slaves 1 and 2) on one RS-485
# bus through an FTDI USB-RS485 cable, 9600 baud.
node:
  id: river-05
  site: weir-bridge
broker:
  url: mqtts://broker.example.net:8883
  username: river-05
  password: { env: FIELDNODE_BROKER_PASSWORD }
boards:
  - id: river
    port: /dev/serial/by-id/usb-FTDI_USB-RS485_Cable_FT6RJ3KZ-if00-port0
    baud: 9600
sensors:
  - { name: level, board: river, unit: m, driver: { type: modbus-rtu, slave: 1, function: 4, register: 0, dataType: float32 } }
  - { name: water_temperature, board: river, unit: Cel, driver: { type: modbus-rtu, slave: 1, function: 4, register: 2, dataType: int16, scale: 0.01 } }
  - { name: level_downstream, board: river, unit: m, driver: { type: modbus-rtu, slave: 2, function: 4, register: 0, dataType: float32 } }
`,
  'raspberry-pi-zero-2w': `# yaml-language-server: $schema=../../schema/fieldnode.schema.json
#
# A Raspberry Pi Zero 2 W as a flood gauge: a MaxBotix HRXL-MaxSonar-WR on a 3.3 V FTDI
# cable (through the Zero's OTG port), 9600 baud, mounted 4 m above the river bed.
node:
  id: gauge-12
  site: mill-stream
broker:
  url: mqtts://broker.example.net:8883
  username: gauge-12
  password: { env: FIELDNODE_BROKER_PASSWORD }
boards:
  - id: river
    port: /dev/serial/by-id/usb-FTDI_TTL232R-3V3_FT9K2L4D-if00-port0
    baud: 9600
sensors:
  - { name: distance, board: river, unit: mm, driver: { type: maxbotix, field: range } }
  - { name: level, board: river, unit: m, driver: { type: maxbotix, field: level, mountHeightMm: 4000 } }
`,
};

/** A Pi reading two host devices from one `transport: pi` board, and a serial board with its baud beside the port. */
export const OLD_PI_AND_SERIAL = `node: { id: ws-01, site: harbour }
broker: { url: "mqtt://127.0.0.1:1883" }
boards:
  - { id: pi, transport: pi }
  - { id: air, port: /dev/ttyUSB0, baud: 9600 }
sensors:
  - { name: water_temperature, board: pi, unit: Cel, driver: { type: ds18b20, sensorId: 28-0316a2795cff, intervalMs: 30000 } }
  - { name: cpu_temperature, board: pi, unit: Cel, driver: { type: gateway-health, field: cpu_temperature } }
  - { name: pm2_5, board: air, unit: ug/m3, driver: { type: sds011, field: pm2_5 } }
`;
